import type { EventStore, ProjectionStore } from '@thidua/eventsourcing';
import { createThiduaProjections } from '@thidua/projections';
import { createStepMeters, projectionStep, withMeters, type ProgressWhen } from './progress';

/**
 * Brings every read model up to the log's head before a command reads one,
 * with progress when that takes long (the first read of a large imported log).
 */
export async function catchUpReadModels(
  eventStore: EventStore,
  projectionStore: ProjectionStore,
  progress: ProgressWhen | undefined,
): Promise<void> {
  const meters = createStepMeters({ when: progress });
  await withMeters(meters, () =>
    createThiduaProjections({ eventStore, projectionStore }).catchUp((progress) => meters.report(projectionStep('catching up the read models', progress))),
  );
}
