import { beforeAll, describe, expect, it } from 'vitest'

/** Just enough DOM for render.js: elements, fragments, text children, attributes. */
class FakeNode {
  className = ''
  href = ''
  children: (FakeNode | string)[] = []
  dataset: Record<string, string> = {}
  constructor(readonly tag: string) {}
  set textContent(text: string) {
    this.children = [text]
  }
  append(...nodes: (FakeNode | string)[]): void {
    for (const node of nodes) {
      if (node instanceof FakeNode && node.tag === '#fragment') this.children.push(...node.children)
      else this.children.push(node)
    }
  }
  addEventListener(): void {}
  get classList() {
    return { add: (c: string) => (this.className += ` ${c}`), toggle: () => {} }
  }
  /** Serialises like HTML, escaping text, so tests can compare structure. */
  get html(): string {
    const inner = this.children
      .map((c) => (typeof c === 'string' ? c.replace(/&/g, '&amp;').replace(/</g, '&lt;') : c.html))
      .join('')
    if (this.tag === '#fragment') return inner
    const attrs = `${this.className ? ` class="${this.className.trim()}"` : ''}${this.href ? ` href="${this.href}"` : ''}`
    return `<${this.tag}${attrs}>${inner}</${this.tag}>`
  }
}

type Entity = { type: string; offset: number; length: number; url?: string }
type Render = (text: string, entities: Entity[], handlers: Record<string, unknown>) => FakeNode

describe('sandbox page renderer', () => {
  let renderFormatted: Render
  const handlers = { isDeepLink: () => false, openLink: () => {}, sendText: () => {} }
  const render = (text: string, entities: Entity[] = []) => renderFormatted(text, entities, handlers).html

  beforeAll(async () => {
    Object.assign(globalThis, {
      document: {
        createElement: (tag: string) => new FakeNode(tag),
        createDocumentFragment: () => new FakeNode('#fragment'),
      },
    })
    const url = new URL('../../src/sandbox/web/render.js', import.meta.url).href
    ;({ renderFormatted } = (await import(url)) as { renderFormatted: Render })
  })

  it('nests entities and keeps markup-looking text as text', () => {
    const entities = [
      { type: 'italic', offset: 11, length: 6 },
      { type: 'bold', offset: 6, length: 11 },
    ]
    expect(render('Hi <b>bold italic', entities)).toBe('Hi &lt;b><b>bold <i>italic</i></b>')
  })

  it('splits entities that cross each other and counts offsets in UTF-16', () => {
    expect(
      render('😀abcd', [
        { type: 'bold', offset: 2, length: 2 },
        { type: 'italic', offset: 3, length: 2 },
      ]),
    ).toBe('😀<b>a<i>b</i></b><i>c</i>d')
  })

  it('only links to safe schemes', () => {
    expect(render('x', [{ type: 'text_link', offset: 0, length: 1, url: 'javascript:alert(1)' }])).toBe(
      '<a>x</a>',
    )
    expect(render('y', [{ type: 'text_link', offset: 0, length: 1, url: 'https://t.me/bot' }])).toBe(
      '<a href="https://t.me/bot">y</a>',
    )
  })
})
