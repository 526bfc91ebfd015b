/** MongoDB error codes used by the server, with their code names. */
export const ErrorCode = {
  InternalError: 1,
  BadValue: 2,
  NoSuchKey: 4,
  FailedToParse: 9,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  PathNotViable: 28,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  MaxTimeMSExpired: 50,
  DollarPrefixedFieldName: 52,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  WriteConflict: 112,
  InvalidPipelineOperator: 168,
  NoSuchTransaction: 251,
  TransactionCommitted: 256,
  OperationNotSupportedInTransaction: 263,
  Location40414: 40414,
  DuplicateKey: 11000,
  BSONObjectTooLarge: 10334,
  Location15974: 15974,
  Location31254: 31254,
} as const

const NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(ErrorCode).map(([name, code]) => [code, name]),
)

/** An error that is reported to the client in MongoDB's `{ok: 0, errmsg, code, codeName}` shape. */
export class MongoCommandError extends Error {
  readonly code: number
  readonly codeName: string
  errorLabels: string[] | undefined
  /** Extra fields merged into the error reply / writeError (e.g. keyPattern, keyValue). */
  readonly extra: Record<string, unknown>

  constructor(code: number, message: string, extra: Record<string, unknown> = {}, labels?: string[]) {
    super(message)
    this.code = code
    this.codeName = NAMES[code] ?? (code >= 10000 ? `Location${code}` : 'UnknownError')
    this.extra = extra
    this.errorLabels = labels
  }

  /** The reply document for this error. */
  toReply(): Record<string, unknown> {
    const reply: Record<string, unknown> = {
      ok: 0,
      errmsg: this.message,
      code: this.code,
      codeName: this.codeName,
    }
    Object.assign(reply, this.extra)
    if (this.errorLabels?.length) reply.errorLabels = this.errorLabels
    return reply
  }
}

/** Shorthand for `new MongoCommandError(ErrorCode.BadValue, message)`. */
export function badValue(message: string): MongoCommandError {
  return new MongoCommandError(ErrorCode.BadValue, message)
}

/** Converts any thrown value into a {@link MongoCommandError}. */
export function toCommandError(err: unknown): MongoCommandError {
  if (err instanceof MongoCommandError) return err
  const message = err instanceof Error ? err.message : String(err)
  return new MongoCommandError(ErrorCode.BadValue, message)
}
