import { realClearTimeout, realClock, realSetImmediate, realSetTimeout } from './timers.js'

/**
 * The anti-starvation rule shared by every channel operation and every range loop that takes values
 * already at hand.
 *
 * Promise callbacks run on the microtask queue, which the event loop drains completely before it
 * runs a timer or an I/O callback. Two parties that only await each other (a sender and a receiver
 * in a loop) never leave that queue, so nothing else would ever run. Every operation that completes
 * at once calls {@link pause}; once a slice of {@link SLICE_MS} ms or {@link SLICE_OPERATIONS}
 * operations has passed since the last macrotask turn, operations settle only after one turn of the
 * event loop. The value has already moved by then: only the settling is late, never the order.
 */

/** Wall-clock length of a slice of uninterrupted channel activity, in ms. */
export const SLICE_MS = 4

/**
 * Operations per slice at most, so a frozen (faked) clock still gets turns. High enough that the clock
 * decides on ordinary hardware (about 10 ms of back-to-back operations on a slow machine): every turn
 * costs the two parties more than the hop itself, since they come back out of step.
 */
export const SLICE_OPERATIONS = 131_072

/** How often (in operations) the clock is read; a power of two. */
const CLOCK_EVERY = 128

// The housekeeping timers of timers.ts: fake timers installed later neither freeze the slice clock
// nor capture the turn.
const clock = realClock

let operations = 0
let sliceStart = clock()
let turn: Promise<void> | undefined
let resume: (() => void) | undefined
let backup: ReturnType<typeof setTimeout> | undefined
let post: (() => void) | null | undefined

/**
 * Counts one operation that is about to complete at once. Returns `undefined` when it may settle
 * now, or a promise to settle after when the event loop is due a turn.
 */
export function pause(): Promise<void> | undefined {
  if (turn !== undefined) return turn
  if ((++operations & (CLOCK_EVERY - 1)) !== 0) return undefined
  if (operations < SLICE_OPERATIONS && clock() - sliceStart < SLICE_MS) return undefined
  turn = new Promise<void>(startTurn)
  return turn
}

/**
 * Resolves with `value` now, or after the turn the event loop is due: the tail of every operation
 * that completes at once.
 */
export function resolveSoon<T>(value: T): Promise<T> {
  const turn = pause()
  return turn === undefined ? Promise.resolve(value) : after(turn, value)
}

// Kept apart so the fast path of resolveSoon() allocates no closure context.
function after<T>(turn: Promise<void>, value: T): Promise<T> {
  return turn.then(() => value)
}

/**
 * One macrotask turn: a `MessageChannel` message (not faked by fake-timer libraries, and only
 * microseconds away), raced by the captured `setTimeout`, which also covers runtimes without
 * `MessageChannel` or with one that never delivers.
 */
function startTurn(wake: () => void): void {
  resume = wake
  // Where the check phase exists (Node.js, Deno, Bun), it ends the turn after a full pass of the
  // event loop, so due timers run in every turn. Browsers take the message-then-timer race below.
  if (realSetImmediate !== undefined) {
    realSetImmediate(endTurn)
    return
  }
  post ??= createPost()
  post?.()
  backup = realSetTimeout(endTurn, 0)
}

/** Whichever of the message and the timer comes first ends the turn; the other finds it ended. */
function endTurn(): void {
  const wake = resume
  if (wake === undefined) return
  resume = undefined
  realClearTimeout(backup)
  backup = undefined
  turn = undefined
  operations = 0
  sliceStart = clock()
  wake()
}

/**
 * Two ports used in alternation, because Node.js delivers up to 1000 messages posted to one port
 * within a single event-loop iteration, which would never let timers run.
 */
function createPost(): (() => void) | null {
  if (typeof MessageChannel !== 'function') return null
  const first = openPort()
  const second = openPort()
  let flip = false
  return () => {
    flip = !flip
    const port = flip ? first : second
    if (port.pending++ === 0) refPort(port.receiver, true)
    port.sender.postMessage(null)
  }
}

interface Port {
  readonly sender: MessagePort
  readonly receiver: MessagePort
  pending: number
}

function openPort(): Port {
  const channel = new MessageChannel()
  const port: Port = { sender: channel.port2, receiver: channel.port1, pending: 0 }
  channel.port1.onmessage = () => {
    if (--port.pending === 0) refPort(port.receiver, false)
    endTurn()
  }
  refPort(port.receiver, false)
  return port
}

/** A listening port keeps a Node.js process alive: only while a message is on its way. */
function refPort(port: MessagePort, on: boolean): void {
  const handle = port as MessagePort & { ref?: () => void; unref?: () => void }
  if (on) handle.ref?.()
  else handle.unref?.()
}
