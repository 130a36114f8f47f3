#!/usr/bin/env node
// The bigbuff demo: a log pipeline. One BigBuffer holds every event; three consumers read all of
// them at their own pace (an indexer in batches, an alerter de-duplicating with Exclusive, an
// archiver writing through a pool of Workers); three edge producers fan in through a Chan.
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { BigBuffer } from '@bigbuff/buffer'
import { Chan, ChannelConsumer } from '@bigbuff/channel'
import { Exclusive } from '@bigbuff/exclusive'
import { Workers } from '@bigbuff/workers'
import { makeEvent, randomSource } from './events.mjs'
import { startProgress, table } from './progress.mjs'
import { runAlerter, runArchiver, runForwarder, runIndexer } from './stages.mjs'

const HELP = `Usage: pnpm start [-- --events N] [-- --help]

A log pipeline on @bigbuff packages:
  producer   puts N log events into a BigBuffer, in chunks (putAll)
  edge-a/b/c three more producers send N/20 events each into a Chan(256);
             a ChannelConsumer forwards them into the buffer (fan-in)
  indexer    reads every event in batches (rangeBatch), counts by service, latency percentiles
  alerter    reads every event (range); error events raise per-service alerts,
             de-duplicated by Exclusive with a 25 ms rateLimit
  archiver   reads every event, writes 1000-event chunks through Workers (concurrency 4),
             commits once a window of chunks is written

Options:
  --events N   events from the main producer (default 200000)
  --help       show this text

On a terminal the progress is redrawn in place (events/s, each consumer's lag from diff());
otherwise plain lines are logged. Ends with a summary table.`

function parse(argv) {
  const { values } = parseArgs({
    args: argv.filter((arg) => arg !== '--'),
    options: { events: { type: 'string', default: '200000' }, help: { type: 'boolean', default: false } },
  })
  const events = Number(values.events)
  if (!Number.isInteger(events) || events <= 0) {
    throw new RangeError(
      `Cannot run the demo: --events must be a positive integer, received ${values.events}`,
    )
  }
  return { events, help: values.help }
}

async function produce(buffer, count, stats) {
  const random = randomSource(42)
  const CHUNK = 1000
  for (let start = 0; start < count; start += CHUNK) {
    const chunk = []
    for (let seq = start; seq < Math.min(count, start + CHUNK); seq++)
      chunk.push(makeEvent(random, seq, 'main'))
    await buffer.putAll(chunk)
    stats.produced += chunk.length
    await new Promise((resolve) => setImmediate(resolve)) // let the consumers run: they keep their own pace
  }
}

async function produceEdge(chan, name, count, seed) {
  const random = randomSource(seed)
  for (let seq = 0; seq < count; seq++) await chan.send(makeEvent(random, seq, name))
}

export async function main(argv = process.argv.slice(2), stream = process.stdout) {
  const options = parse(argv)
  if (options.help) {
    stream.write(`${HELP}\n`)
    return undefined
  }
  const edgeCount = Math.floor(options.events / 20)
  const total = options.events + 3 * edgeCount
  const started = performance.now()

  const buffer = new BigBuffer()
  const stages = {
    indexer: { consumer: buffer.consumer(), stats: { processed: 0, batches: 0 } },
    alerter: { consumer: buffer.consumer(), stats: { processed: 0, errors: 0, alertsSent: 0 } },
    archiver: { consumer: buffer.consumer(), stats: { processed: 0, chunks: 0, bytes: 0 } },
  }
  const producer = { produced: 0, forwarded: 0 }
  const exclusive = new Exclusive()
  const workers = new Workers()

  const progress = startProgress(
    () => ({
      elapsedMs: performance.now() - started,
      produced: producer.produced + producer.forwarded,
      retained: buffer.size,
      rows: Object.entries(stages).map(([name, stage]) => ({
        name,
        processed: stage.stats.processed,
        lag: buffer.diff(stage.consumer) ?? 0,
      })),
    }),
    { stream },
  )

  const fanIn = new Chan(256)
  const forwarder = runForwarder(new ChannelConsumer(fanIn), buffer, producer)
  const edges = Promise.all(
    ['edge-a', 'edge-b', 'edge-c'].map((name, i) => produceEdge(fanIn, name, edgeCount, 7 + i)),
  ).then(() => fanIn.close())
  const finished = {}
  const timed = (name, run) => run.then(() => (finished[name] = performance.now() - started))

  // Once every producer has finished, end() lets each consumer read what is left; their loops then
  // finish on their own, and end() resolves when all have committed (the buffer is closed by then).
  const producers = Promise.all([produce(buffer, options.events, producer), edges, forwarder])
  await Promise.all([
    producers.then(() => buffer.end()),
    timed('indexer', runIndexer(stages.indexer.consumer, stages.indexer.stats)),
    timed('alerter', runAlerter(stages.alerter.consumer, exclusive, stages.alerter.stats)),
    timed('archiver', runArchiver(stages.archiver.consumer, workers, stages.archiver.stats)),
  ])
  await workers.wait()
  progress.stop()

  const elapsed = performance.now() - started
  const { indexer, alerter, archiver } = stages
  const rows = [
    [
      'indexer',
      indexer.stats.processed,
      `${indexer.stats.batches} batches, p50 ${indexer.stats.p50} ms, p99 ${indexer.stats.p99} ms`,
    ],
    [
      'alerter',
      alerter.stats.processed,
      `${alerter.stats.errors} errors → ${alerter.stats.alertsSent} alerts sent`,
    ],
    [
      'archiver',
      archiver.stats.processed,
      `${archiver.stats.chunks} chunks, ${(archiver.stats.bytes / 1e6).toFixed(1)} MB written`,
    ],
  ].map(([name, processed, detail]) => [name, processed, `${(finished[name] / 1000).toFixed(2)} s`, detail])
  stream.write(`\n${table(['consumer', 'events', 'caught up at', 'detail'], rows)}\n\n`)
  stream.write(
    `${total} events (${options.events} main + ${3 * edgeCount} fan-in) in ${(elapsed / 1000).toFixed(2)} s: ` +
      `${Math.round(total / (elapsed / 1000))} events/s; ${buffer.size} retained after close\n`,
  )
  return {
    total,
    stages: Object.fromEntries(Object.entries(stages).map(([name, stage]) => [name, stage.stats])),
    retained: buffer.size,
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
}
