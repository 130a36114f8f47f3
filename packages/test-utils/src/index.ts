export type { ConsumerContractOptions, ConsumerContractSubject } from './consumer-contract.js'
export { describeConsumerContract } from './consumer-contract.js'
export type {
  ExclusiveContractCallOptions,
  ExclusiveContractContext,
  ExclusiveContractOptions,
  ExclusiveContractSubject,
  ExclusiveContractTarget,
} from './exclusive-contract.js'
export { describeExclusiveContract } from './exclusive-contract.js'
export { collected, gc, heapAfterGc, heapUsed } from './memory.js'
export type { CleanerKind, ModelConsumer } from './models/buffer-model.js'
export { BufferModel } from './models/buffer-model.js'
export type { ModelCase, ModelWaiter } from './models/chan-model.js'
export { deliver, ModelChan, park as parkModelWaiter, ready, unpark } from './models/chan-model.js'
export type { ErrorMatcher, Expected } from './models/op.js'
export {
  behind,
  CLOSED,
  code,
  NOTHING_TO_COMMIT,
  NOTHING_TO_ROLLBACK,
  Op,
  same,
  verifyAll,
} from './models/op.js'
export type { SharedSignalOptions } from './shared-signal.js'
export { expectOneListenerPerSignal } from './shared-signal.js'
export type { Settlement } from './time.js'
export { flushMicrotasks, nextTurn, sleep, trackSettlement } from './time.js'
export { trackListeners } from './track-listeners.js'
export type { WorkersContractOptions, WorkersContractSubject, WorkersLike } from './workers-contract.js'
export { describeWorkersContract } from './workers-contract.js'
