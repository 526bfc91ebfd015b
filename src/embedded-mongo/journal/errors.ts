/**
 * Thrown when durable data that cannot legitimately be torn (a committed snapshot, a file header)
 * is damaged. The journal refuses to guess rather than silently lose committed records.
 */
export class JournalCorruptError extends Error {
  override readonly name = 'JournalCorruptError'
}
