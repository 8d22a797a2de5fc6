import type { EventStore, ProjectionStore } from '@thidua/eventsourcing';
import { createThiduaProjections } from '@thidua/projections';
import { createStepMeters, projectionStep, withMeters, type ProgressWhen } from './progress';

/**
 * Brings the read models up to the log's head before a command reads one
 * (only those named in `only`, when given: the ones it reads), with progress
 * when that takes long (the first read of a large imported log).
 */
export async function catchUpReadModels(
  eventStore: EventStore,
  projectionStore: ProjectionStore,
  progress: ProgressWhen | undefined,
  only?: readonly string[],
): Promise<void> {
  const meters = createStepMeters({ when: progress });
  await withMeters(meters, () =>
    createThiduaProjections({ eventStore, projectionStore }).catchUp(
      (progress) => meters.report(projectionStep('catching up the read models', progress)),
      only === undefined ? {} : { only },
    ),
  );
}
