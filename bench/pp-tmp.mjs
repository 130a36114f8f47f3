import { Chan } from '@bigbuff/channel'
import { Channel } from 'async-channel'
import { Chan as TsChan } from 'ts-chan'

const adapters = {
  ours: { make: (c) => new Chan(c), send: (ch, v) => ch.send(v), recv: (ch) => ch.receive(), un: (v) => v },
  asyncChannel: {
    make: (c) => new Channel(c),
    send: (ch, v) => ch.push(v),
    recv: (ch) => ch.get(),
    un: (v) => v,
  },
  tsUnsafe: {
    make: (c) => new TsChan(c).setUnsafe(true),
    send: (ch, v) => ch.send(v),
    recv: (ch) => ch.recv(),
    un: (r) => r.value,
  },
}
async function pingPong(a, n) {
  const ping = a.make(0),
    pong = a.make(0)
  const server = async () => {
    for (let i = 0; i < n; i++) await a.send(pong, a.un(await a.recv(ping)) + 1)
  }
  const client = async () => {
    let s = 0
    for (let i = 0; i < n; i++) {
      await a.send(ping, i)
      s += a.un(await a.recv(pong)) - 1
    }
    return s
  }
  await Promise.all([server(), client()])
}
async function spsc(a, cap, n) {
  const ch = a.make(cap)
  const p = async () => {
    for (let i = 0; i < n; i++) await a.send(ch, i)
  }
  const c = async () => {
    let s = 0
    for (let i = 0; i < n; i++) s += a.un(await a.recv(ch))
    return s
  }
  await Promise.all([p(), c()])
}
const which = process.argv[2],
  scen = process.argv[3]
const a = adapters[which]
for (let r = 0; r < 4; r++) {
  const t0 = process.cpuUsage()
  if (scen === 'pp') await pingPong(a, 200000)
  else await spsc(a, scen === 'cap' ? 1024 : 0, 1000000)
  const u = process.cpuUsage(t0)
  if (r > 0) console.log(which, scen, ((u.user + u.system) / 1000).toFixed(1), 'ms cpu')
}
