import { debounce, fanOut, pingPong, staysResponsive } from './demos.ts'

function show(id: string, value: unknown): void {
  const element = document.getElementById(id)
  if (element === null) throw new Error(`no element #${id}`)
  element.textContent = String(value)
}

async function run(): Promise<void> {
  const debounced = await debounce(100)
  show('exclusive-runs', debounced.runs)
  show('exclusive-callers', debounced.callers)
  show('exclusive-result', debounced.result)

  show('chan-rounds', await pingPong(1000))
  show('chan-responsive', (await staysResponsive(1_000_000)) ? 'yes' : 'no')

  const [a, b] = await fanOut(100)
  for (const [id, reader] of [
    ['a', a],
    ['b', b],
  ] as const) {
    show(`buffer-${id}-count`, reader?.count)
    show(`buffer-${id}-order`, reader?.inOrder ? 'yes' : 'no')
    show(`buffer-${id}-sum`, reader?.sum)
  }
}

run().then(
  () => {
    show('status', 'Done.')
    document.body.dataset.status = 'done'
  },
  (error: unknown) => {
    show('status', `Failed: ${String(error)}`)
    document.body.dataset.status = 'failed'
    console.error(error)
  },
)
