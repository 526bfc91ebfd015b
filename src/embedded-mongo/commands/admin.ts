import { calculateObjectSize, UUID } from 'bson'
import type { Binary } from 'bson'
import type { Doc } from '../bson/codec.ts'
import { ErrorCode, MongoCommandError } from '../errors.ts'
import { compileFilter } from '../query/matcher.ts'
import { checkNames } from '../storage/engine.ts'
import type { Collection } from '../storage/collection.ts'
import { collectionArg, docOption } from './context.ts'
import type { CommandContext, CommandHandler } from './context.ts'

const collectionUuids = new WeakMap<Collection, Binary>()

function uuidOf(coll: Collection): Binary {
  let id = collectionUuids.get(coll)
  if (!id) {
    id = new UUID()
    collectionUuids.set(coll, id)
  }
  return id
}

function dataSize(coll: Collection): number {
  let size = 0
  for (const doc of coll.docs.values()) size += calculateObjectSize(doc)
  return size
}

function collectionInfo(coll: Collection): Doc {
  return {
    name: coll.name,
    type: 'collection',
    options: coll.options,
    info: { readOnly: false, uuid: uuidOf(coll) },
    idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
  }
}

const listDatabases: CommandHandler = (ctx) => {
  const engine = ctx.state.engine
  const filter = compileFilter(docOption(ctx.body, 'filter') ?? {})
  const databases: Doc[] = []
  let total = 0
  for (const name of engine.databaseNames().sort()) {
    let size = 0
    for (const coll of engine.collections(name).values()) size += dataSize(coll)
    const entry = { name, sizeOnDisk: size, empty: size === 0 }
    if (!filter(entry)) continue
    total += size
    databases.push(ctx.body.nameOnly === true ? { name } : entry)
  }
  return { databases, totalSize: total, totalSizeMb: Math.round(total / 1048576), ok: 1 }
}

const listCollections: CommandHandler = (ctx) => {
  const filter = compileFilter(docOption(ctx.body, 'filter') ?? {})
  const out: Doc[] = []
  for (const coll of ctx.state.engine.collections(ctx.db).values()) {
    const info = collectionInfo(coll)
    if (!filter(info)) continue
    out.push(ctx.body.nameOnly === true ? { name: coll.name, type: 'collection' } : info)
  }
  const cursor = docOption(ctx.body, 'cursor')
  const batchSize = typeof cursor?.batchSize === 'number' ? cursor.batchSize : undefined
  return ctx.state.cursors.firstBatch(`${ctx.db}.$cmd.listCollections`, out, batchSize, false, ctx.lsidKey)
}

const create: CommandHandler = (ctx) => {
  const name = collectionArg(ctx, 'create')
  const {
    create: _c,
    lsid: _l,
    $db: _d,
    txnNumber: _t,
    autocommit: _a,
    startTransaction: _s,
    $clusterTime: _ct,
    writeConcern: _w,
    ...options
  } = ctx.body
  for (const k of Object.keys(options)) if (k.startsWith('$')) delete options[k]
  ctx.state.engine.createCollection(ctx.unit, ctx.db, name, options, true)
  return { ok: 1 }
}

const drop: CommandHandler = (ctx) => {
  const name = collectionArg(ctx, 'drop')
  const coll = ctx.state.engine.getCollection(ctx.db, name)
  const nIndexesWas = coll?.indexes.size ?? 0
  ctx.state.engine.dropCollection(ctx.unit, ctx.db, name)
  return { ns: `${ctx.db}.${name}`, nIndexesWas, ok: 1 }
}

const dropDatabase: CommandHandler = (ctx) => {
  ctx.state.engine.dropDatabase(ctx.unit, ctx.db)
  return { dropped: ctx.db, ok: 1 }
}

const renameCollection: CommandHandler = (ctx) => {
  const from = ctx.body.renameCollection
  const to = ctx.body.to
  if (typeof from !== 'string' || typeof to !== 'string')
    throw new MongoCommandError(ErrorCode.TypeMismatch, 'renameCollection needs from and to namespaces')
  ctx.state.engine.renameCollection(ctx.unit, from, to, ctx.body.dropTarget === true)
  return { ok: 1 }
}

const dbStats: CommandHandler = (ctx) => {
  let objects = 0
  let size = 0
  let indexes = 0
  const colls = ctx.state.engine.collections(ctx.db)
  for (const coll of colls.values()) {
    objects += coll.docs.size
    size += dataSize(coll)
    indexes += coll.indexes.size
  }
  const scale = typeof ctx.body.scale === 'number' && ctx.body.scale > 0 ? ctx.body.scale : 1
  return {
    db: ctx.db,
    collections: colls.size,
    views: 0,
    objects,
    avgObjSize: objects ? size / objects : 0,
    dataSize: size / scale,
    storageSize: size / scale,
    indexes,
    indexSize: 0,
    totalSize: size / scale,
    scaleFactor: scale,
    ok: 1,
  }
}

const collStats: CommandHandler = (ctx) => {
  const name = collectionArg(ctx, 'collStats')
  const coll = ctx.state.engine.getCollection(ctx.db, name)
  if (!coll)
    throw new MongoCommandError(ErrorCode.NamespaceNotFound, `Collection [${ctx.db}.${name}] not found.`)
  const size = dataSize(coll)
  const indexSizes: Doc = {}
  for (const name of coll.indexes.keys()) indexSizes[name] = 0
  return {
    ns: coll.ns,
    count: coll.docs.size,
    size,
    avgObjSize: coll.docs.size ? size / coll.docs.size : 0,
    storageSize: size,
    nindexes: coll.indexes.size,
    totalIndexSize: 0,
    indexSizes,
    capped: false,
    ok: 1,
  }
}

const collMod: CommandHandler = (ctx) => {
  const name = collectionArg(ctx, 'collMod')
  const coll = ctx.state.engine.getCollection(ctx.db, name)
  if (!coll) throw new MongoCommandError(ErrorCode.NamespaceNotFound, 'ns does not exist')
  const index = docOption(ctx.body, 'index')
  if (index && typeof index.expireAfterSeconds === 'number') {
    for (const ix of coll.indexes.values()) {
      if (ix.name === index.name || JSON.stringify(ix.spec.key) === JSON.stringify(index.keyPattern)) {
        ix.spec.expireAfterSeconds = index.expireAfterSeconds
        ctx.unit.ops.push({ t: 'di', ns: coll.ns, name: ix.name }, { t: 'ci', ns: coll.ns, spec: ix.spec })
      }
    }
  }
  return { ok: 1 }
}

/** Database and collection management commands. */
export const adminCommands: Record<string, CommandHandler> = {
  listDatabases,
  listCollections,
  create,
  drop,
  dropDatabase,
  renameCollection,
  dbStats,
  collStats,
  collMod,
  validate: (ctx: CommandContext) => {
    checkNames(ctx.db)
    return { valid: true, ok: 1 }
  },
}
