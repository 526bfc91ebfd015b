/**
 * `npm run bench`: prints the benchmark figures quoted in the README. Never part of `npm test`.
 * Sections: the embedded database (bench/db.ts), database commands per update (bench/round-trips.ts),
 * the whole stack (bench/bot.ts), broadcast pacing (bench/pacing.ts) and scale (bench/scale.ts:
 * 100 000 customers, slow). `npm run bench -- pacing scale` (any section names) runs only those.
 */
import { runBotBench } from './bot.ts'
import { runPacingBench } from './pacing.ts'
import { runRoundTripBench } from './round-trips.ts'
import { runScaleBench } from './scale.ts'

interface Section {
  /** What `npm run bench -- <name>` selects. */
  name: string
  title: string
  run: () => Promise<string>
}

const sections: Section[] = [
  { name: 'round-trips', title: 'Database commands per update', run: runRoundTripBench },
  {
    name: 'stack',
    title: 'Whole stack: fake Bot API -> bot -> embedded database',
    run: () => runBotBench(),
  },
  { name: 'pacing', title: 'Broadcast pacing at Telegram limits', run: runPacingBench },
  { name: 'scale', title: 'Scale: reports, export and memory of a large program', run: runScaleBench },
]

try {
  const { runDbBench } = (await import('./db.ts')) as { runDbBench: () => Promise<string> }
  sections.unshift({ name: 'db', title: 'Embedded database', run: runDbBench })
} catch (error) {
  process.stderr.write(`database benchmark unavailable: ${(error as Error).message}\n`)
}

const wanted = process.argv.slice(2)
const unknown = wanted.filter((name) => !sections.some((section) => section.name === name))
if (unknown.length > 0) {
  process.stderr.write(
    `unknown section ${unknown.join(', ')}; choose from ${sections.map((s) => s.name).join(', ')}\n`,
  )
  process.exit(2)
}
for (const { name, title, run } of sections) {
  if (wanted.length > 0 && !wanted.includes(name)) continue
  process.stdout.write(`\n## ${title}\n\n${await run()}\n`)
}
process.exit(0)
