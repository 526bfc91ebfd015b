import { setPipelineRunner } from '../query/update/apply.ts'
import { runPipeline } from '../aggregate/pipeline.ts'
import { adminCommands } from './admin.ts'
import { aggregateCommand, countCommand, distinctCommand } from './aggregate.ts'
import { deleteCommand } from './delete.ts'
import { registerCommands } from './dispatch.ts'
import { explainCommand } from './explain.ts'
import { findAndModifyCommand } from './find-and-modify.ts'
import { findCommand, getMoreCommand, killCursorsCommand } from './find.ts'
import { handshakeCommands } from './handshake.ts'
import { indexCommands } from './indexes.ts'
import { insertCommand } from './insert.ts'
import { transactionCommands } from './transactions.ts'
import { updateCommand } from './update.ts'

let registered = false

/** Registers every supported command (idempotent). */
export function registerAllCommands(): void {
  if (registered) return
  registered = true
  setPipelineRunner((doc, stages) => {
    const out = runPipeline([doc], stages, { query: () => [] })
    if (out.length !== 1) throw new Error('pipeline update must produce exactly one document')
    return out[0] as typeof doc
  })
  registerCommands({
    ...handshakeCommands,
    ...adminCommands,
    ...indexCommands,
    ...transactionCommands,
    insert: insertCommand,
    update: updateCommand,
    delete: deleteCommand,
    find: findCommand,
    getMore: getMoreCommand,
    killCursors: killCursorsCommand,
    findAndModify: findAndModifyCommand,
    findandmodify: findAndModifyCommand,
    aggregate: aggregateCommand,
    count: countCommand,
    distinct: distinctCommand,
    explain: explainCommand,
  })
}

export { runCommand } from './dispatch.ts'
