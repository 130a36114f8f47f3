export type { BigbuffErrorCode } from '@bigbuff/core'
// The errors this package throws, the same objects as @bigbuff/core's, so catching them needs no
// second install.
export {
  BigbuffError,
  ClosedError,
  isBigbuffError,
  NothingToCommitError,
  NothingToRollbackError,
} from '@bigbuff/core'
export type { ReceiveResult } from './chan.js'
export { Chan } from './chan.js'
export { ChannelConsumer } from './channel-consumer.js'
export { Notifier } from './notifier.js'
export { PubSub } from './pub-sub.js'
export type {
  CaseResult,
  Known,
  Position,
  ReceiveCase,
  ReceivedResult,
  SelectCase,
  SelectResult,
  SendCase,
  SentResult,
} from './select.js'
export { receiveCase, select, sendCase, trySelect } from './select.js'
export type { Subscription } from './subscription.js'
