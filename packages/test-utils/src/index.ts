export type { ConsumerContractOptions, ConsumerContractSubject } from './consumer-contract.js'
export { describeConsumerContract } from './consumer-contract.js'
export { trackListeners } from './track-listeners.js'
