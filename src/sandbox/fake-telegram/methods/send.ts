/**
 * Sending methods: sendMessage, sendPhoto, sendDocument, sendMediaGroup, copyMessage,
 * sendChatAction.
 */
import { randomInt } from 'node:crypto'
import { badRequest, errors } from '../errors.ts'
import { imageSize, mimeFor, type FileKind, type StoredFile } from '../files.ts'
import { parseReplyMarkup } from '../keyboards.ts'
import type { UploadedFile } from '../params.ts'
import type { StoredMessage } from '../state.ts'
import { formatCaption, formatMessageText } from '../text-format.ts'
import { botMessage } from '../views.ts'
import {
  applyMarkup,
  changed,
  consumeRate,
  requireChat,
  requireMessageId,
  resolveReply,
  type MethodContext,
} from './context.ts'

const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
])

const label = (kind: FileKind): string => (kind === 'photo' ? 'Photo' : 'Document')

function storeUpload(ctx: MethodContext, upload: UploadedFile, kind: FileKind): StoredFile {
  if (kind === 'photo') {
    const size = imageSize(upload.data)
    if (!size) throw badRequest('IMAGE_PROCESS_FAILED')
    if (
      size.width + size.height > 10000 ||
      Math.max(size.width, size.height) > 20 * Math.min(size.width, size.height)
    ) {
      throw badRequest('PHOTO_INVALID_DIMENSIONS')
    }
    if (upload.data.length > 10 * 1024 * 1024) throw badRequest('file is too big')
    return ctx.world.files.add(upload.data, 'photo', { mime_type: `image/${size.format}` })
  }
  return ctx.world.files.add(upload.data, 'document', {
    file_name: upload.filename,
    mime_type:
      upload.contentType !== 'application/octet-stream' ? upload.contentType : mimeFor(upload.filename),
  })
}

/**
 * Resolves a photo/document parameter: an uploaded file (multipart, attach://), or the file_id
 * of a file seen before. URLs are refused because the fake has no internet access.
 */
export function resolveInputFile(
  ctx: MethodContext,
  value: unknown,
  kind: FileKind,
  field: string,
): StoredFile {
  const upload =
    typeof value === 'string' && value.startsWith('attach://') ? ctx.params.files.get(value.slice(9)) : null
  if (upload) return storeUpload(ctx, upload, kind)
  const direct = value === undefined ? ctx.params.upload(field) : undefined
  if (direct) return storeUpload(ctx, direct, kind)
  if (typeof value !== 'string' || value === '' || value.startsWith('attach://')) {
    throw badRequest(`there is no ${kind} in the request`)
  }
  if (/^https?:\/\//i.test(value)) throw badRequest('failed to get HTTP URL content')
  const file = ctx.world.files.get(value)
  if (!file) throw errors.wrongFileIdentifier()
  if (file.kind !== kind) throw badRequest(`can't use file of type ${label(file.kind)} as ${label(kind)}`)
  return file
}

function mediaContent(ctx: MethodContext, file: StoredFile, kind: FileKind): Partial<StoredMessage> {
  return kind === 'photo'
    ? { photo: ctx.world.files.photoSizes(file) }
    : { document: ctx.world.files.document(file) }
}

/** sendMessage */
export function sendMessage(ctx: MethodContext): unknown {
  const { params } = ctx
  const text = params.str('text')
  if (text === undefined || text === '') throw errors.textEmpty()
  const chat = requireChat(ctx, { sending: true })
  const formatted = formatMessageText(text, params.str('parse_mode'), params.json('entities'))
  const markup = parseReplyMarkup(params.raw('reply_markup'))
  const replyTo = resolveReply(ctx, chat)
  consumeRate(ctx, chat)
  const message = chat.add({
    fromBot: true,
    text: formatted.text,
    ...(formatted.entities ? { entities: formatted.entities } : {}),
    ...(replyTo !== undefined ? { reply_to_message_id: replyTo } : {}),
  })
  applyMarkup(chat, message, markup)
  changed(ctx, chat)
  return botMessage(ctx.bot, chat, message)
}

function sendMedia(ctx: MethodContext, kind: FileKind): unknown {
  const { params } = ctx
  const chat = requireChat(ctx, { sending: true })
  const file = resolveInputFile(ctx, params.raw(kind), kind, kind)
  const caption = formatCaption(
    params.str('caption'),
    params.str('parse_mode'),
    params.json('caption_entities'),
  )
  const markup = parseReplyMarkup(params.raw('reply_markup'))
  const replyTo = resolveReply(ctx, chat)
  consumeRate(ctx, chat)
  const message = chat.add({
    fromBot: true,
    ...mediaContent(ctx, file, kind),
    ...(caption ? { caption: caption.text } : {}),
    ...(caption?.entities ? { caption_entities: caption.entities } : {}),
    ...(replyTo !== undefined ? { reply_to_message_id: replyTo } : {}),
  })
  applyMarkup(chat, message, markup)
  changed(ctx, chat)
  return botMessage(ctx.bot, chat, message)
}

/** sendPhoto */
export const sendPhoto = (ctx: MethodContext): unknown => sendMedia(ctx, 'photo')

/** sendDocument */
export const sendDocument = (ctx: MethodContext): unknown => sendMedia(ctx, 'document')

/** sendMediaGroup (photos and documents, 2–10 items) */
export function sendMediaGroup(ctx: MethodContext): unknown {
  const chat = requireChat(ctx, { sending: true })
  const media = ctx.params.json('media')
  if (!Array.isArray(media)) throw badRequest('field "media" must be of type Array')
  if (media.length < 2 || media.length > 10) throw badRequest('wrong number of media specified')
  const items = media.map((item: unknown) => {
    const m = (item ?? {}) as Record<string, unknown>
    if (m.type !== 'photo' && m.type !== 'document') throw badRequest('unsupported media type in the sandbox')
    const kind = m.type as FileKind
    const file = resolveInputFile(ctx, m.media, kind, kind)
    const caption = formatCaption(
      typeof m.caption === 'string' ? m.caption : undefined,
      typeof m.parse_mode === 'string' ? m.parse_mode : undefined,
      m.caption_entities,
    )
    return { kind, file, caption }
  })
  if (new Set(items.map((i) => i.kind)).size > 1) {
    throw badRequest("can't use the media of the specified type in the album")
  }
  consumeRate(ctx, chat, items.length)
  const groupId = String(randomInt(1, 2 ** 47))
  const sent = items.map(({ kind, file, caption }) =>
    chat.add({
      fromBot: true,
      media_group_id: groupId,
      ...mediaContent(ctx, file, kind),
      ...(caption ? { caption: caption.text } : {}),
      ...(caption?.entities ? { caption_entities: caption.entities } : {}),
    }),
  )
  changed(ctx, chat)
  return sent.map((m) => botMessage(ctx.bot, chat, m))
}

/** copyMessage: copies text, media and contacts; the caption can be replaced. */
export function copyMessage(ctx: MethodContext): unknown {
  const { params } = ctx
  const chat = requireChat(ctx, { sending: true })
  const from = requireChat(ctx, { field: 'from_chat_id' })
  const source = from.find(requireMessageId(ctx))
  if (!source) throw badRequest('message to copy not found')
  const caption = params.has('caption')
    ? formatCaption(params.str('caption'), params.str('parse_mode'), params.json('caption_entities'))
    : source.caption !== undefined
      ? { text: source.caption, entities: source.caption_entities }
      : null
  const markup = parseReplyMarkup(params.raw('reply_markup'))
  const replyTo = resolveReply(ctx, chat)
  consumeRate(ctx, chat)
  const { text, entities, photo, document, contact } = structuredClone(source)
  const message = chat.add({
    fromBot: true,
    ...(text !== undefined ? { text, ...(entities ? { entities } : {}) } : {}),
    ...(photo ? { photo } : {}),
    ...(document ? { document } : {}),
    ...(contact ? { contact } : {}),
    ...((photo || document) && caption ? { caption: caption.text } : {}),
    ...((photo || document) && caption?.entities ? { caption_entities: caption.entities } : {}),
    ...(replyTo !== undefined ? { reply_to_message_id: replyTo } : {}),
  })
  applyMarkup(chat, message, markup)
  changed(ctx, chat)
  return { message_id: message.message_id }
}

/** sendChatAction: shown to the user for 5 seconds. */
export function sendChatAction(ctx: MethodContext): unknown {
  const chat = requireChat(ctx, { sending: true })
  const action = ctx.params.str('action')
  if (!action || !CHAT_ACTIONS.has(action)) throw badRequest('wrong parameter action in request')
  chat.action = { action, at: Date.now() }
  changed(ctx, chat)
  return true
}
