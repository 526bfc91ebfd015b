import type { Doc } from '../bson/codec.ts'
import { isNumeric, toNumber } from '../bson/numbers.ts'
import { compileFilter } from '../query/matcher.ts'
import { idKeyOf } from './collection.ts'
import type { Engine, WriteUnit } from './engine.ts'
import { candidateDocs } from './planner.ts'

/**
 * Deletes documents whose TTL index field (a date, or an array whose earliest date) is older than
 * `expireAfterSeconds`. Uses the TTL index itself to find them. Removes at most `max` documents
 * per call so a host process is never blocked for long; returns how many were removed.
 */
export function sweepExpired(engine: Engine, unit: WriteUnit, now = Date.now(), max = 10_000): number {
  let removed = 0
  for (const coll of [...engine.allCollections()]) {
    for (const index of [...coll.indexes.values()]) {
      const expire = index.spec.expireAfterSeconds
      if (!isNumeric(expire) || index.fields.length !== 1) continue
      const field = (index.fields[0] as { path: string }).path
      const filter = { [field]: { $lt: new Date(now - toNumber(expire) * 1000) } }
      const pred = compileFilter(filter)
      const victims: Doc[] = []
      for (const doc of candidateDocs(coll, filter, { plan: '', keysExamined: 0, docsExamined: 0 })) {
        if (removed + victims.length >= max) break
        if (pred(doc) && (!index.partial || index.partial(doc))) victims.push(doc)
      }
      for (const doc of victims) if (engine.removeDoc(unit, coll, idKeyOf(doc._id))) removed++
      if (removed >= max) return removed
    }
  }
  return removed
}
