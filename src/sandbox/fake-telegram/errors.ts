/**
 * Telegram's error envelope `{ ok: false, error_code, description, parameters? }` and helpers
 * that build the descriptions the way the real Bot API words them.
 */

/** Optional `parameters` of an error answer. */
export interface ErrorParameters {
  retry_after?: number
  migrate_to_chat_id?: number
}

/** An error answer of the Bot API; thrown by method handlers, turned into the envelope by the router. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: ErrorParameters,
  ) {
    super(description)
    this.name = 'ApiError'
  }

  /** The JSON body Telegram would send. */
  toEnvelope(): Record<string, unknown> {
    const body: Record<string, unknown> = { ok: false, error_code: this.code, description: this.description }
    if (this.parameters) body.parameters = { ...this.parameters }
    return body
  }
}

/** A successful answer that also carries a `description` (setWebhook, deleteWebhook do that). */
export class ApiOk {
  constructor(
    readonly result: unknown,
    readonly description?: string,
  ) {}
}

/** 400 "Bad Request: <message>". */
export const badRequest = (message: string): ApiError => new ApiError(400, `Bad Request: ${message}`)

/** 403 "Forbidden: <message>". */
export const forbidden = (message: string): ApiError => new ApiError(403, `Forbidden: ${message}`)

/** 401 "Unauthorized", the answer to a token Telegram does not know. */
export const unauthorized = (): ApiError => new ApiError(401, 'Unauthorized')

/** 404 "Not Found", the answer to an unknown method or a malformed path. */
export const notFound = (): ApiError => new ApiError(404, 'Not Found')

/** 409 "Conflict: <message>". */
export const conflict = (message: string): ApiError => new ApiError(409, `Conflict: ${message}`)

/** 429 with `parameters.retry_after` in whole seconds. */
export const tooManyRequests = (retryAfter: number): ApiError =>
  new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter })

/** "Bad Request: can't parse entities: <detail>". */
export const cantParseEntities = (detail: string): ApiError => badRequest(`can't parse entities: ${detail}`)

/** The usual errors, named so handlers read well. */
export const errors = {
  chatIdEmpty: () => badRequest('chat_id is empty'),
  chatNotFound: () => badRequest('chat not found'),
  blocked: () => forbidden('bot was blocked by the user'),
  textEmpty: () => badRequest('message text is empty'),
  textMustBeNonEmpty: () => badRequest('text must be non-empty'),
  textTooLong: () => badRequest('message is too long'),
  captionTooLong: () => badRequest('message caption is too long'),
  unsupportedParseMode: () => badRequest('unsupported parse_mode'),
  messageToEditNotFound: () => badRequest('message to edit not found'),
  messageToDeleteNotFound: () => badRequest('message to delete not found'),
  messageCantBeEdited: () => badRequest("message can't be edited"),
  notModified: () =>
    badRequest(
      'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    ),
  queryTooOld: () => badRequest('query is too old and response timeout expired or query ID is invalid'),
  buttonDataInvalid: () => badRequest('BUTTON_DATA_INVALID'),
  invalidFileId: () => badRequest('invalid file_id'),
  wrongFileIdentifier: () => badRequest('wrong file identifier/HTTP URL specified'),
}
