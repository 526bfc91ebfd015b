/* global document, window */
// The chat screen of one persona: messages, inline and reply keyboards, composer and actions.

import { api } from './api.js'
import { el, renderMessage } from './render.js'
import { ask, toast } from './ui.js'

const $ = (id) => document.getElementById(id)

export class ChatView {
  constructor() {
    this.user = null
    this.botUsername = ''
    this.snapshot = null
    this.busy = 0
    this.requests = 0
    this.rendered = false
    this.handlers = {
      fileUrl: api.fileUrl,
      sendText: (text) => this.run(() => api.send(this.user.id, text)),
      openLink: (url) => this.openLink(url),
      isDeepLink: (url) => this.isDeepLink(url),
      tapButton: (messageId, row, column, button) => this.tapInline(messageId, row, column, button),
    }
    this.bindComposer()
  }

  /** Shows the chat of `user`. */
  async open(user, botUsername) {
    this.user = user
    this.botUsername = botUsername
    this.snapshot = null
    this.rendered = false
    $('messages').replaceChildren()
    await this.refresh()
  }

  close() {
    this.user = null
    this.requests++ // an answer still on its way belongs to the chat just left
  }

  isDeepLink(url) {
    const match = /^(?:https?:\/\/)?(?:www\.)?(?:t|telegram)\.me\/([A-Za-z0-9_]+)/i.exec(url)
    const resolve = /^tg:\/\/resolve\?(?:.*&)?domain=([A-Za-z0-9_]+)/i.exec(url)
    const name = (match ?? resolve)?.[1]
    return Boolean(name && name.toLowerCase() === this.botUsername.toLowerCase())
  }

  /** Runs an action, showing errors as toasts and the answer of a callback query. */
  async run(action) {
    if (!this.user) return
    this.busy++
    this.renderTyping()
    try {
      const result = await action()
      if (result?.kind === 'callback' && result.answer?.text) {
        if (result.answer.show_alert) window.alert(result.answer.text)
        else toast(result.answer.text)
      } else if (result?.kind === 'none') toast(result.reason)
      return result
    } catch (error) {
      toast(error.message, { error: true })
    } finally {
      this.busy--
      await this.refresh()
    }
  }

  async refresh() {
    if (!this.user) return
    // Answers may arrive out of order (or after switching persona): only the newest request renders.
    const request = ++this.requests
    let snapshot
    try {
      snapshot = await api.chat(this.user.id)
    } catch (error) {
      if (request === this.requests) $('subtitle').textContent = error.message
      return
    }
    if (request !== this.requests) return
    this.snapshot = snapshot
    this.botUsername = snapshot.botUsername
    this.render()
  }

  openLink(url) {
    return this.run(() => api.openLink(this.user.id, url))
  }

  tapInline(messageId, row, column, button) {
    if (button.url && !this.isDeepLink(button.url)) {
      window.open(button.url, '_blank', 'noopener')
      return
    }
    return this.run(() => api.tapButton(this.user.id, messageId, row, column))
  }

  render() {
    const snap = this.snapshot
    const box = $('messages')
    // Measured before anything changes height: a new reply keyboard shrinks the list, and a chat
    // that followed the bottom must still show the newest message afterwards.
    const follow = !this.rendered || box.scrollHeight - box.scrollTop - box.clientHeight < 80
    $('subtitle').textContent = `@${snap.botUsername}`
    $('blocked-banner').hidden = !snap.blocked
    $('input').disabled = snap.blocked
    $('input').placeholder =
      snap.forceReply?.input_field_placeholder || snap.replyKeyboard?.input_field_placeholder || 'Message'
    document.querySelector('[data-action="block"]').textContent = snap.blocked
      ? '✅ Unblock the bot'
      : '⛔ Block the bot'
    this.renderReplyKeyboard(snap.replyKeyboard)
    this.renderCommands(snap.commands)
    this.renderTyping()
    box.replaceChildren(
      ...snap.messages.filter((m) => !m.deleted).map((m) => renderMessage(m, this.handlers)),
    )
    if (snap.messages.length === 0) box.append(this.emptyChat(snap.blocked))
    if (follow) box.scrollTop = box.scrollHeight
    this.rendered = true
  }

  /** A chat without messages: Telegram's Start button, which sends /start. */
  emptyChat(blocked) {
    const node = el('div', 'empty', 'No messages yet.')
    const start = el('button', 'start-button', 'Start')
    start.type = 'button'
    start.disabled = blocked
    start.addEventListener('click', () => this.handlers.sendText('/start'))
    node.append(start)
    return node
  }

  renderTyping() {
    const action = this.snapshot?.chatAction
    const node = $('typing')
    node.hidden = !action && this.busy === 0
    node.textContent = action ? `${action.replace(/_/g, ' ')}…` : 'bot is handling…'
  }

  renderReplyKeyboard(keyboard) {
    const box = $('reply-keyboard')
    box.replaceChildren()
    box.hidden = !keyboard
    if (!keyboard) return
    for (const row of keyboard.keyboard) {
      const line = el('div', 'row')
      for (const button of row) {
        // Like Telegram, the label is the bot's own text (it often carries its own 📱 already).
        const b = el('button', 'reply-button', button.text)
        b.type = 'button'
        if (button.request_contact) b.title = 'Shares your phone number with the bot'
        b.addEventListener('click', () => this.run(() => api.tapText(this.user.id, button.text)))
        line.append(b)
      }
      box.append(line)
    }
  }

  renderCommands(commands) {
    const menu = $('commands-menu')
    menu.replaceChildren()
    $('commands-button').hidden = commands.length === 0
    for (const c of commands) {
      const b = el('button', 'command-item')
      b.type = 'button'
      b.append(el('strong', '', `/${c.command}`), el('span', 'muted', c.description))
      b.addEventListener('click', () => {
        menu.hidden = true
        this.handlers.sendText(`/${c.command}`)
      })
      menu.append(b)
    }
  }

  async attachAction(action) {
    $('attach-menu').hidden = true
    const id = this.user.id
    if (action === 'contact') return this.run(() => api.shareContact(id, {}))
    if (action === 'start') return this.run(() => api.send(id, '/start'))
    if (action === 'block') return this.run(() => api.setBlocked(id, !this.snapshot?.blocked))
    if (action === 'photo') return $('photo-input').click()
    if (action === 'link') {
      const values = await ask('Open a t.me link', [
        { name: 'url', label: 'Link', placeholder: `https://t.me/${this.botUsername}?start=…` },
      ])
      if (values?.url) return this.openLink(values.url)
    }
    if (action === 'contact-other') {
      const values = await ask("Share someone's contact", [
        { name: 'phone_number', label: 'Phone', placeholder: '+79990001122' },
        { name: 'first_name', label: 'Name', placeholder: 'Vera' },
        { name: 'user_id', label: 'Their Telegram id (optional)', placeholder: '710000002' },
      ])
      if (!values?.phone_number) return
      const contact = { phone_number: values.phone_number, first_name: values.first_name || 'Contact' }
      // No id: a person without Telegram (the contact carries no user_id).
      contact.user_id = values.user_id ? Number(values.user_id) : null
      return this.run(() => api.shareContact(id, contact))
    }
  }

  bindComposer() {
    $('composer').addEventListener('submit', (event) => {
      event.preventDefault()
      const text = $('input').value
      if (!text.trim() || !this.user) return
      $('input').value = ''
      this.run(() => api.send(this.user.id, text))
    })
    $('attach').addEventListener('click', () => {
      $('commands-menu').hidden = true
      $('attach-menu').hidden = !$('attach-menu').hidden
    })
    $('commands-button').addEventListener('click', () => {
      $('attach-menu').hidden = true
      $('commands-menu').hidden = !$('commands-menu').hidden
    })
    $('attach-menu').addEventListener('click', (event) => {
      const action = event.target.closest('button')?.dataset.action
      if (action) this.attachAction(action)
    })
    $('unblock').addEventListener('click', () => this.run(() => api.setBlocked(this.user.id, false)))
    $('photo-input').addEventListener('change', () => {
      const file = $('photo-input').files?.[0]
      $('photo-input').value = ''
      if (!file) return
      const caption = $('input').value.trim()
      $('input').value = ''
      this.run(() => api.sendPhoto(this.user.id, file, caption))
    })
  }
}
