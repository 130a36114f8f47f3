import { describeWorkersContract } from '@bigbuff/test-utils'
import { Workers } from './workers.js'

describeWorkersContract('Workers', {
  async create() {
    const workers = new Workers()
    return { workers, teardown: () => workers.wait() }
  },
})
