import { CLOSED, type Op, same } from '@bigbuff/test-utils'

/** A subscription of the model: a channel of `capacity` that publishes send to. */
export class ModelSubscription {
  readonly capacity: number
  readonly key: unknown
  readonly buffer: unknown[] = []
  /** `next()` calls waiting for a value. */
  readonly receivers: Op[] = []
  /** Publishes waiting for room in this subscription, oldest first. */
  readonly senders: ModelPublish[] = []
  /** Its channel is closed: buffered values still drain, then iteration is done. */
  closed = false
  /** Ended by the subscriber: whatever was buffered is dropped. */
  discarded = false
  /** It counts in `subscribers`. */
  listed = false

  constructor(capacity: number, key: unknown) {
    this.capacity = capacity
    this.key = key
  }

  /**
   * Its signal still ends it: while listed, and after the pub-sub's close() until its buffer is
   * drained (an abort then drops the rest, as unsubscribe() does).
   */
  get listening(): boolean {
    return this.listed || (this.closed && !this.discarded && this.buffer.length > 0)
  }

  next(op: Op): void {
    if (this.buffer.length > 0) {
      const value = this.buffer.shift()
      const publish = this.senders.shift()
      if (publish !== undefined) {
        this.buffer.push(publish.value)
        publish.settle(this, true)
      }
      op.resolveWith({ value, done: false })
      return
    }
    const publish = this.senders.shift()
    if (publish !== undefined) {
      publish.settle(this, true)
      op.resolveWith({ value: publish.value, done: false })
      return
    }
    if (this.closed) {
      op.resolveWith({ value: undefined, done: true })
      return
    }
    this.receivers.push(op)
  }

  /** Closes the channel: waiting nexts are done, waiting publishes are not delivered here. */
  close(discard: boolean): void {
    if (discard) {
      this.discarded = true
      this.buffer.length = 0
    }
    if (this.closed) return
    this.closed = true
    for (const receiver of this.receivers.splice(0)) receiver.resolveWith({ value: undefined, done: true })
    for (const publish of this.senders.splice(0)) publish.settle(this, false)
  }
}

/** A publish of the model: resolves with the number delivered once every subscription took it or left. */
export class ModelPublish {
  readonly op: Op
  readonly value: unknown
  delivered = 0
  readonly remaining = new Set<ModelSubscription>()
  settled = false

  constructor(op: Op, value: unknown) {
    this.op = op
    this.value = value
  }

  settle(subscription: ModelSubscription, ok: boolean): void {
    if (ok) this.delivered++
    this.remaining.delete(subscription)
    this.#finish()
  }

  abort(reason: unknown): void {
    for (const subscription of this.remaining) {
      subscription.senders.splice(subscription.senders.indexOf(this), 1)
    }
    this.remaining.clear()
    this.settled = true
    this.op.rejectWith(same(reason))
  }

  #finish(): void {
    if (this.remaining.size > 0 || this.settled) return
    this.settled = true
    this.op.resolveWith(this.delivered)
  }

  /** Offers the value to every subscription now; parks where there is no room. */
  start(subscriptions: readonly ModelSubscription[]): void {
    for (const subscription of subscriptions) {
      const receiver = subscription.receivers.shift()
      if (receiver !== undefined) {
        receiver.resolveWith({ value: this.value, done: false })
        this.delivered++
      } else if (subscription.buffer.length < subscription.capacity) {
        subscription.buffer.push(this.value)
        this.delivered++
      } else {
        subscription.senders.push(this)
        this.remaining.add(subscription)
      }
    }
    this.#finish()
  }
}

/** The reference model of PubSub (one key) and Notifier (a topic per key), from SPEC. */
export class TopicModel {
  readonly topics = new Map<unknown, ModelSubscription[]>()
  readonly subscriptions: ModelSubscription[] = []
  readonly publishes: ModelPublish[] = []
  closed = false

  subscribers(key: unknown): number {
    return this.topics.get(key)?.length ?? 0
  }

  subscribe(key: unknown, capacity: number, aborted: boolean): ModelSubscription {
    const subscription = new ModelSubscription(capacity, key)
    this.subscriptions.push(subscription)
    if (aborted) {
      subscription.close(true)
      return subscription
    }
    const topic = this.topics.get(key) ?? []
    topic.push(subscription)
    this.topics.set(key, topic)
    subscription.listed = true
    return subscription
  }

  unsubscribe(subscription: ModelSubscription): void {
    if (subscription.listed) {
      const topic = this.topics.get(subscription.key) as ModelSubscription[]
      topic.splice(topic.indexOf(subscription), 1)
      if (topic.length === 0) this.topics.delete(subscription.key)
      subscription.listed = false
    }
    subscription.close(true)
  }

  publish(key: unknown, value: unknown, op: Op): ModelPublish {
    const publish = new ModelPublish(op, value)
    this.publishes.push(publish)
    if (this.closed) {
      publish.settled = true
      op.rejectWith(CLOSED)
      return publish
    }
    publish.start(this.topics.get(key) ?? [])
    return publish
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    for (const [key, topic] of this.topics) {
      for (const subscription of topic) {
        subscription.listed = false
        subscription.close(false)
      }
      this.topics.delete(key)
    }
  }
}
