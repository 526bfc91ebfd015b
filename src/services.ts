import type { ProcessedUpdates } from './db/processed-updates.ts'

/**
 * The services features call through `ctx.services`; built once in the composition root (src/app.ts).
 * Handlers stay thin: they read the input, call one service, answer.
 */
export interface Services {
  processedUpdates: ProcessedUpdates
}
