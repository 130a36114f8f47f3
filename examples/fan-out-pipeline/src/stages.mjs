import { sleep } from '@bigbuff/async-utils'
import { range, rangeBatch } from '@bigbuff/consumer'
import { isBigbuffError } from '@bigbuff/core'

/** Counts events by service and level and tracks latency percentiles, one batch at a time. */
export async function runIndexer(consumer, stats) {
  const latencies = []
  stats.byService = new Map()
  await rangeBatch(
    consumer,
    (events) => {
      for (const event of events) {
        const counts = stats.byService.get(event.service) ?? { events: 0, errors: 0 }
        counts.events++
        if (event.level === 'error') counts.errors++
        stats.byService.set(event.service, counts)
        latencies.push(event.latencyMs)
      }
      stats.batches++
      stats.processed += events.length
    },
    { maxSize: 2048, maxWait: 2 },
  )
  latencies.sort((a, b) => a - b)
  stats.p50 = latencies[Math.floor(latencies.length * 0.5)] ?? 0
  stats.p99 = latencies[Math.floor(latencies.length * 0.99)] ?? 0
}

/**
 * Raises an alert per service when errors arrive, de-duplicated by `Exclusive`: error events that
 * arrive while an alert is being sent, or within `rateLimit` ms of the last one, share one alert.
 */
export async function runAlerter(consumer, exclusive, stats) {
  const inFlight = new Set()
  await range(consumer, (event) => {
    stats.processed++
    if (event.level === 'error') {
      stats.errors++
      const alert = exclusive.call(
        event.service,
        async () => {
          stats.alertsSent++
          await sleep(1)
          return event.seq
        },
        { rateLimit: 25 },
      )
      inFlight.add(alert)
      const settled = () => inFlight.delete(alert)
      alert.then(settled, settled)
    }
  })
  await Promise.all(inFlight)
}

/**
 * Writes chunks of events through a pool of four workers; commits once every chunk read so far is
 * written, so a crash would redeliver only unwritten events.
 */
export async function runArchiver(consumer, workers, stats) {
  const CHUNK = 1000
  const WINDOW = 4
  let window = []
  let chunk = []
  const flush = () => {
    const events = chunk
    chunk = []
    window.push(
      workers.call(4, async () => {
        const text = events.map((event) => JSON.stringify(event)).join('\n')
        await sleep(2) // the write itself: a disk or network round trip
        stats.bytes += text.length
        stats.chunks++
      }),
    )
  }
  const writeWindow = async () => {
    await Promise.all(window)
    window = []
    await consumer.commit()
  }
  for (;;) {
    let event
    try {
      event = await consumer.get()
    } catch (error) {
      if (isBigbuffError(error, 'ERR_BIGBUFF_CLOSED')) break // the buffer ended: everything is read
      throw error
    }
    chunk.push(event)
    stats.processed++
    if (chunk.length === CHUNK) flush()
    if (window.length === WINDOW) await writeWindow()
  }
  if (chunk.length > 0) flush()
  if (consumer.pending > 0) await writeWindow()
}

/**
 * Forwards what the fan-in channel's consumer reads into the buffer, committing each value once
 * stored; `range` resolves when the channel is closed and drained.
 */
export async function runForwarder(channelConsumer, buffer, stats) {
  await range(channelConsumer, async (event) => {
    await buffer.put(event)
    stats.forwarded++
  })
}
