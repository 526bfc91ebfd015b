import type { Engine } from './engine.ts'
import { encodeRecord } from './records.ts'
import type { LogOp } from './records.ts'

const BATCH_BYTES = 4 * 1024 * 1024
const BATCH_DOCS = 2000

/**
 * The current state as journal records (collections with their indexes, then their documents in
 * batches), for journal compaction. Generated lazily; the journal iterates it synchronously.
 */
export function* snapshotRecords(engine: Engine): Generator<Uint8Array> {
  for (const coll of engine.allCollections()) {
    const head: LogOp[] = [{ t: 'cc', ns: coll.ns, o: coll.options }]
    for (const index of coll.indexes.values())
      if (index.name !== '_id_') head.push({ t: 'ci', ns: coll.ns, spec: index.spec })
    yield encodeRecord(head)
    let batch: LogOp[] = []
    let approx = 0
    for (const doc of coll.docs.values()) {
      batch.push({ t: 'i', ns: coll.ns, d: doc })
      approx += 64
      if (batch.length >= BATCH_DOCS || approx >= BATCH_BYTES) {
        yield encodeRecord(batch)
        batch = []
        approx = 0
      }
    }
    if (batch.length) yield encodeRecord(batch)
  }
}
