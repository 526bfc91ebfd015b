/* global document, window */
// Renders Telegram messages safely: text + entities become DOM nodes (never innerHTML),
// links are limited to http(s)/tg/mailto schemes.

/** Creates an element with optional class and text. */
export function el(tag, className, text) {
  const node = document.createElement(tag)
  if (className) node.className = className
  if (text !== undefined) node.textContent = text
  return node
}

const SAFE_LINK = /^(https?:|tg:|mailto:)/i

function linkTo(url, handlers) {
  const href = /^[a-z][a-z0-9+.-]*:/i.test(url) ? url : `https://${url}`
  const a = el('a')
  if (SAFE_LINK.test(href)) a.href = href
  a.rel = 'noopener noreferrer'
  a.target = '_blank'
  a.addEventListener('click', (event) => {
    if (handlers.isDeepLink(href)) {
      event.preventDefault()
      handlers.openLink(href)
    }
  })
  return a
}

function elementFor(entity, text, handlers) {
  const slice = text.slice(entity.offset, entity.offset + entity.length)
  switch (entity.type) {
    case 'bold':
      return el('b')
    case 'italic':
      return el('i')
    case 'underline':
      return el('u')
    case 'strikethrough':
      return el('s')
    case 'code':
      return el('code')
    case 'pre': {
      const pre = el('pre')
      if (entity.language) pre.dataset.language = entity.language
      return pre
    }
    case 'blockquote':
    case 'expandable_blockquote':
      return el('blockquote', entity.type === 'expandable_blockquote' ? 'expandable' : '')
    case 'spoiler': {
      const span = el('span', 'spoiler')
      span.addEventListener('click', () => span.classList.add('revealed'))
      return span
    }
    case 'text_link':
      return linkTo(entity.url, handlers)
    case 'url':
      return linkTo(slice, handlers)
    case 'email':
      return linkTo(`mailto:${slice}`, handlers)
    case 'bot_command': {
      const span = el('span', 'command')
      span.addEventListener('click', () => handlers.sendText(slice))
      return span
    }
    default:
      return el('span', `entity-${entity.type}`)
  }
}

/**
 * Builds nested nodes for `text` and its entities. Entities are nested by offset (outer first);
 * an entity crossing its parent's end is split so the tree stays well formed.
 */
export function renderFormatted(text, entities = [], handlers) {
  const fragment = document.createDocumentFragment()
  const sorted = [...entities].sort((a, b) => a.offset - b.offset || b.length - a.length)
  build(fragment, 0, text.length, sorted, text, handlers)
  return fragment
}

function build(parent, start, end, list, text, handlers) {
  let pos = start
  const queue = [...list]
  while (queue.length > 0) {
    const entity = queue.shift()
    const entityEnd = Math.min(entity.offset + entity.length, end)
    if (entity.offset >= end || entityEnd <= pos) continue
    const from = Math.max(entity.offset, pos)
    if (from > pos) parent.append(text.slice(pos, from))
    const children = []
    while (queue.length > 0 && queue[0].offset < entityEnd) {
      const child = queue.shift()
      const childEnd = child.offset + child.length
      children.push({ ...child, length: Math.min(childEnd, entityEnd) - child.offset })
      if (childEnd > entityEnd) {
        queue.push({ ...child, offset: entityEnd, length: childEnd - entityEnd })
        queue.sort((a, b) => a.offset - b.offset || b.length - a.length)
      }
    }
    const node = elementFor({ ...entity, offset: from, length: entityEnd - from }, text, handlers)
    build(node, from, entityEnd, children, text, handlers)
    parent.append(node)
    pos = entityEnd
  }
  if (pos < end) parent.append(text.slice(pos, end))
}

const time = (date) => new Date(date * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })

function mediaOf(message, handlers) {
  const nodes = []
  if (message.photo?.length) {
    const largest = message.photo[message.photo.length - 1]
    const img = el('img', 'photo')
    img.src = handlers.fileUrl(largest.file_id)
    // The size is known before the bytes arrive: the chat keeps its scroll position while it loads.
    if (largest.width && largest.height) {
      img.width = largest.width
      img.height = largest.height
    }
    img.alt = 'photo'
    img.loading = 'lazy'
    img.addEventListener('click', () => window.open(img.src, '_blank', 'noopener'))
    nodes.push(img)
  }
  if (message.document) {
    const a = el('a', 'document', `📄 ${message.document.file_name || 'file'}`)
    a.href = handlers.fileUrl(message.document.file_id)
    a.download = message.document.file_name || 'file'
    nodes.push(a)
  }
  if (message.contact) {
    const card = el('div', 'contact')
    const name = [message.contact.first_name, message.contact.last_name].filter(Boolean).join(' ')
    card.append(el('strong', '', `👤 ${name}`), el('div', '', message.contact.phone_number))
    if (message.contact.user_id) card.append(el('div', 'muted', `id ${message.contact.user_id}`))
    nodes.push(card)
  }
  return nodes
}

function inlineKeyboard(message, handlers) {
  const box = el('div', 'inline-keyboard')
  message.reply_markup.inline_keyboard.forEach((row, r) => {
    const line = el('div', 'row')
    row.forEach((button, c) => {
      const b = el('button', 'inline-button', button.text)
      b.type = 'button'
      if (button.url) b.classList.add('url')
      else if (button.callback_data === undefined) {
        b.disabled = true
        b.title = 'This kind of button cannot be used in the sandbox'
      }
      b.addEventListener('click', () => handlers.tapButton(message.message_id, r, c, button))
      line.append(b)
    })
    box.append(line)
  })
  return box
}

/** One chat bubble (plus its inline keyboard) for a message. */
export function renderMessage(message, handlers) {
  const wrap = el('div', `message ${message.from_bot ? 'in' : 'out'}`)
  wrap.dataset.id = String(message.message_id)
  const bubble = el('div', 'bubble')
  bubble.append(...mediaOf(message, handlers))
  const text = message.text ?? message.caption
  if (text) {
    const entities = message.text !== undefined ? message.entities : message.caption_entities
    const body = el('div', 'text')
    body.append(renderFormatted(text, entities, handlers))
    bubble.append(body)
  }
  const meta = el(
    'span',
    'meta',
    `${message.edited ? 'edited ' : ''}${time(message.edit_date ?? message.date)}`,
  )
  bubble.append(meta)
  wrap.append(bubble)
  if (message.reply_markup?.inline_keyboard?.length) wrap.append(inlineKeyboard(message, handlers))
  return wrap
}
