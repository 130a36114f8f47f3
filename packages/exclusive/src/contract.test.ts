import { describeExclusiveContract } from '@bigbuff/test-utils'
import { Exclusive } from './exclusive.js'

describeExclusiveContract('Exclusive (shared contract)', {
  async create({ onError }) {
    const exclusive = new Exclusive<string>(
      onError ? { onError: (error, key) => onError(error, key as string) } : {},
    )
    return { exclusive, teardown: async () => {} }
  },
})
