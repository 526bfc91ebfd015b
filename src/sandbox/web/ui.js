/* global document, setTimeout, clearTimeout */
// Small UI helpers: toast, modal form dialog, avatars.

import { el } from './render.js'

const $ = (id) => document.getElementById(id)

let toastTimer
/** Shows a short message at the bottom of the phone. */
export function toast(text, { error = false } = {}) {
  const node = $('toast')
  node.textContent = text
  node.classList.toggle('error', error)
  node.hidden = false
  clearTimeout(toastTimer)
  toastTimer = setTimeout(() => (node.hidden = true), error ? 5000 : 2500)
}

/**
 * Asks for values in a modal dialog. `fields` is a list of { name, label, value?, placeholder? }.
 * Resolves with an object of the values, or null when cancelled.
 */
export function ask(title, fields) {
  const dialog = $('dialog')
  $('dialog-title').textContent = title
  const box = $('dialog-fields')
  box.replaceChildren()
  for (const field of fields) {
    const label = el('label', '', field.label)
    const input = el('input')
    input.name = field.name
    input.value = field.value ?? ''
    input.placeholder = field.placeholder ?? ''
    label.append(input)
    box.append(label)
  }
  dialog.returnValue = ''
  dialog.showModal()
  box.querySelector('input')?.focus()
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        if (dialog.returnValue !== 'ok') return resolve(null)
        const values = {}
        for (const input of box.querySelectorAll('input')) values[input.name] = input.value.trim()
        resolve(values)
      },
      { once: true },
    )
  })
}

const COLORS = ['#e17076', '#7bc862', '#65aadd', '#a695e7', '#ee7aae', '#6ec9cb', '#faa774']

/** A round avatar with initials, coloured by id like Telegram does. */
export function avatar(name, id, node = el('div', 'avatar')) {
  const initials = name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0].toUpperCase())
    .join('')
  node.textContent = initials || '?'
  node.dataset.color = String(Math.abs(Number(id)) % COLORS.length)
  return node
}
