import type { Engine } from './engine.ts'
import { encodeRecords } from './records.ts'
import type { LogOp } from './records.ts'

const SNAPSHOT_RECORD_BYTES = 4 * 1024 * 1024

/**
 * The current state as journal records (collections with their indexes, then their documents in
 * records of a few MiB), for journal compaction. The journal iterates it synchronously.
 */
export function* snapshotRecords(engine: Engine): Generator<Uint8Array> {
  for (const coll of engine.allCollections()) {
    const head: LogOp[] = [{ t: 'cc', ns: coll.ns, o: coll.options }]
    for (const index of coll.indexes.values())
      if (index.name !== '_id_') head.push({ t: 'ci', ns: coll.ns, spec: index.spec })
    yield* encodeRecords(head)
    const docs: LogOp[] = []
    for (const doc of coll.docs.values()) docs.push({ t: 'i', ns: coll.ns, d: doc })
    // Each document insert is independent, so the parts of this "unit" need no all-or-nothing.
    for (const record of encodeRecords(docs, SNAPSHOT_RECORD_BYTES)) yield record
  }
}
