/**
 * `npm run bench`: prints the benchmark figures quoted in the README. Never part of `npm test`.
 * Sections: the embedded database (bench/db.ts) and the whole stack (bench/bot.ts).
 */
import { runBotBench, type BenchScenario } from './bot.ts'
import { joinThroughBot, runRoundTripBench } from './round-trips.ts'

const scenarios: BenchScenario[] = [
  { name: '/help', act: (user) => user.send('/help') },
  {
    name: '/balance',
    prepare: (user) => joinThroughBot(user, user.profile.first_name),
    act: (user) => user.send('/balance'),
  },
]

const sections: [string, () => Promise<string>][] = [
  ['Database commands per update', runRoundTripBench],
  ['Whole stack: fake Bot API -> bot -> embedded database', () => runBotBench(scenarios)],
]

try {
  const { runDbBench } = (await import('./db.ts')) as { runDbBench: () => Promise<string> }
  sections.unshift(['Embedded database', runDbBench])
} catch (error) {
  process.stderr.write(`database benchmark unavailable: ${(error as Error).message}\n`)
}

for (const [title, run] of sections) {
  process.stdout.write(`\n## ${title}\n\n${await run()}\n`)
}
process.exit(0)
