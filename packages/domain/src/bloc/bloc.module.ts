/**
 * The bloc aggregate as one module: stream `bloc-<blocId>`; its rules read
 * only the bloc's own state.
 */
import { defineAggregate } from '../aggregate';
import { blocStream } from '../streams';
import { BLOC_COMMANDS, type BlocCommand } from './bloc.commands';
import { blocDecider } from './bloc.decider';
import { blocEventDefinitions, type BlocEvent } from './bloc.events';
import type { BlocState } from './bloc.state';

/** The bloc aggregate (khối thi đua): membership, the chair flag, the deputy. */
export const blocModule = defineAggregate<BlocCommand, BlocEvent, BlocState, undefined>({
  name: 'bloc',
  commands: BLOC_COMMANDS,
  events: blocEventDefinitions,
  decider: blocDecider,
  streamId: (command) => blocStream(command.data.blocId),
  loadContext: async () => undefined,
});
