import { BigBuffer } from '@bigbuff/buffer'
import { Chan } from '@bigbuff/channel'
import { Exclusive } from '@bigbuff/exclusive'

/** `calls` calls on one key in one tick: Exclusive runs the work once and every caller shares the result. */
export async function debounce(calls: number): Promise<{ runs: number; callers: number; result: number }> {
  const exclusive = new Exclusive<string>()
  let runs = 0
  const results = await Promise.all(
    Array.from({ length: calls }, (_, i) =>
      exclusive.call('save', () => {
        runs++
        return i
      }),
    ),
  )
  const first = results[0] as number
  return { runs, callers: results.filter((result) => result === first).length, result: first }
}

/** A ball sent back and forth `rounds` times over two unbuffered channels; returns the final count. */
export async function pingPong(rounds: number): Promise<number> {
  const ping = new Chan<number>()
  const pong = new Chan<number>()
  const player = (async () => {
    for await (const ball of ping) await pong.send(ball + 1)
  })()
  let ball = 0
  for (let round = 0; round < rounds; round++) {
    await ping.send(ball)
    ball = await pong.receive()
  }
  ping.close()
  await player
  return ball
}

/**
 * A rally that only ends when a timer set before it fires: channels yield to the event loop, so
 * a sender and receiver that never wait on anything else still let timers run.
 * @returns whether the timer fired before `maxRounds` round trips.
 */
export async function staysResponsive(maxRounds: number): Promise<boolean> {
  let fired = false
  setTimeout(() => {
    fired = true
  }, 0)
  const ping = new Chan<number>()
  const pong = new Chan<number>()
  const player = (async () => {
    for await (const ball of ping) await pong.send(ball)
  })()
  for (let round = 0; round < maxRounds && !fired; round++) {
    await ping.send(round)
    await pong.receive()
  }
  ping.close()
  await player
  return fired
}

/** Puts 1..count into a BigBuffer while two consumers read concurrently; each sees every value, in order. */
export async function fanOut(count: number): Promise<{ count: number; sum: number; inOrder: boolean }[]> {
  const buffer = new BigBuffer<number>()
  const read = async (consumer: ReturnType<BigBuffer<number>['consumer']>) => {
    const values: number[] = []
    while (values.length < count) {
      values.push(await consumer.get())
      await consumer.commit()
    }
    return {
      count: values.length,
      sum: values.reduce((sum, value) => sum + value, 0),
      inOrder: values.every((value, index) => value === index + 1),
    }
  }
  const reading = [read(buffer.consumer()), read(buffer.consumer())]
  for (let value = 1; value <= count; value++) {
    await buffer.put(value)
    if (value % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 0))
  }
  const results = await Promise.all(reading)
  await buffer.close()
  return results
}
