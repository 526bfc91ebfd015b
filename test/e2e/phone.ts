import { existsSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core'

/**
 * The browser side of the end-to-end tests: Debian's Chromium driven by playwright-core (Playwright
 * cannot download its own browser here), and a `Phone` per persona of the sandbox page.
 */

/** Debian's chromium package; CHROMIUM_PATH points elsewhere (another distribution, macOS). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** An iPhone-sized screen in CSS pixels. */
export const PHONE_VIEWPORT = { width: 390, height: 844 }

/** How long a step may wait for the bot's answer on a loaded machine (the survey job polls every 5 s). */
export const STEP_TIMEOUT_MS = 60_000

/** Starts headless Chromium with a fresh temporary profile; fails clearly when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}; the browser tests need it. ` +
        'Install it with `sudo apt-get install -y chromium` (.ci/run does this on CI) ' +
        'or point CHROMIUM_PATH at a Chromium or Chrome binary.',
    )
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** A phone-sized browser context: every page opened in it is one persona's phone. */
export function phoneContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true })
}

export interface Persona {
  readonly name: string
  readonly role: 'customer' | 'staff' | 'owner'
  readonly language?: 'ru' | 'en'
}

/** One persona's chat with the bot on the sandbox page, used the way a person would: taps and typing. */
export class Phone {
  /** Uncaught page errors and console errors: the page should have none. */
  readonly errors: string[] = []

  private constructor(readonly page: Page) {
    page.setDefaultTimeout(STEP_TIMEOUT_MS)
    page.on('pageerror', (error) => this.errors.push(`page error: ${error.message}`))
    page.on('console', (message) => {
      if (message.type() === 'error') this.errors.push(`console: ${message.text()}`)
    })
  }

  /** Opens the page in a new tab, creates the persona with the page's form and lands in its chat. */
  static async open(context: BrowserContext, url: string, persona: Persona): Promise<Phone> {
    const phone = new Phone(await context.newPage())
    const { page } = phone
    await page.goto(url)
    const form = page.locator('#persona-form')
    await form.locator('input[name=first_name]').fill(persona.name)
    await form.locator('select[name=role]').selectOption(persona.role)
    await form.locator('select[name=language_code]').selectOption(persona.language ?? 'ru')
    await form.getByRole('button', { name: 'Create' }).click()
    await page.locator('#chat').waitFor({ state: 'visible' })
    await page.locator('#title', { hasText: persona.name }).waitFor()
    return phone
  }

  /** Types a message in the composer and sends it with Enter. */
  async send(text: string): Promise<void> {
    await this.page.locator('#input').fill(text)
    await this.page.locator('#input').press('Enter')
  }

  /** Taps a button of the reply keyboard under the chat. */
  async tapReply(label: string): Promise<void> {
    await this.page.locator('#reply-keyboard').getByRole('button', { name: label, exact: true }).click()
  }

  /** Taps an inline button of the newest bot message that has it. */
  async tapInline(label: string): Promise<void> {
    await this.page
      .locator('#messages .message.in .inline-button')
      .getByText(label, { exact: true })
      .last()
      .click()
  }

  /** Opens a t.me link the way the page offers it: 📎, "Open a t.me link…", paste, OK. */
  async openLink(url: string): Promise<void> {
    await this.page.locator('#attach').click()
    await this.page.locator('#attach-menu [data-action="link"]').click()
    await this.page.locator('#dialog-fields input').fill(url)
    await this.page.locator('#dialog').getByRole('button', { name: 'OK' }).click()
  }

  /** Waits for a message from the bot containing `text` (whitespace-insensitive) and returns it. */
  async botMessage(text: string | RegExp): Promise<Locator> {
    const message = this.page.locator('#messages .message.in', { hasText: text }).last()
    await message.waitFor({ state: 'visible' })
    return message
  }

  /** The text of a bot message with runs of spaces (including no-break spaces) as one space. */
  async textOf(message: Locator): Promise<string> {
    return (await message.locator('.text').innerText()).replace(/\s+/g, ' ').trim()
  }

  /** Whether the newest message is scrolled into view, as a chat that follows the conversation shows it. */
  async newestMessageInView(): Promise<boolean> {
    // Runs in the page (node is the #messages element); the project's types have no DOM library.
    return this.page.locator('#messages').evaluate((box) => {
      const last = box.lastElementChild
      if (!last) return false
      const area = box.getBoundingClientRect()
      const rect = last.getBoundingClientRect()
      return rect.top >= area.top - 1 && rect.bottom <= area.bottom + 1
    })
  }

  /**
   * What keeps the chat from being usable on this screen: horizontal scrolling of the page or of a
   * scroll area inside it, and the composer or a reply keyboard button hidden or outside the screen.
   * An empty list means usable.
   */
  async usabilityProblems(): Promise<string[]> {
    const problems: string[] = []
    const screen = this.page.viewportSize() ?? PHONE_VIEWPORT
    for (const selector of ['html', '#messages', '#reply-keyboard', '#composer']) {
      const [scrollWidth, width] = await this.page
        .locator(selector)
        .evaluate((node) => [node.scrollWidth as number, node.clientWidth as number])
      if (scrollWidth! > width!) problems.push(`${selector} scrolls sideways: ${scrollWidth} > ${width}`)
    }
    const controls = [
      ...['#input', '#send', '#attach'].map((selector) => this.page.locator(selector)),
      ...(await this.page.locator('#reply-keyboard button').all()),
    ]
    for (const control of controls) {
      const name = (await control.getAttribute('id')) ?? (await control.innerText())
      const box = await control.boundingBox()
      if (!box || box.width === 0 || box.height === 0) problems.push(`${name} is not visible`)
      else if (
        box.x < 0 ||
        box.y < 0 ||
        box.x + box.width > screen.width ||
        box.y + box.height > screen.height
      )
        problems.push(`${name} is outside the screen: ${JSON.stringify(box)}`)
    }
    return problems
  }

  async screenshot(path: string): Promise<void> {
    await this.page.screenshot({ path })
  }
}
