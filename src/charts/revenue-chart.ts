import { Resvg } from '@resvg/resvg-js'

/** One day of the chart: revenue in minor units and the day's NPS (null: no answers). */
export interface ChartPoint {
  /** Short day label already in the owner's language ("01.03", "3/1"). */
  readonly label: string
  readonly revenue: number
  readonly nps: number | null
}

/** The texts of the chart, in the owner's language. */
export interface ChartLabels {
  readonly title: string
  readonly revenue: string
  readonly nps: string
  /** The largest revenue, formatted as money, for the axis. */
  readonly revenueMax: string
}

const WIDTH = 1080
const HEIGHT = 720
const PLOT = { left: 90, right: 90, top: 140, bottom: 90 }
const FONT = 'DejaVu Sans, Liberation Sans, sans-serif'

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/**
 * The chart as SVG: revenue bars (left axis, 0..max) and an NPS line (right axis, -100..+100) with
 * dots on days that had answers; big type so it reads on a phone. Pure, so it can be tested as text.
 */
export function revenueChartSvg(points: readonly ChartPoint[], labels: ChartLabels): string {
  const plotWidth = WIDTH - PLOT.left - PLOT.right
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom
  const maxRevenue = Math.max(1, ...points.map((point) => point.revenue))
  const slot = plotWidth / Math.max(1, points.length)
  const barWidth = Math.max(4, slot * 0.7)
  const baseY = PLOT.top + plotHeight
  const npsY = (nps: number) => PLOT.top + ((100 - nps) / 200) * plotHeight
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${PLOT.left}" y="60" font-family="${FONT}" font-size="40" font-weight="bold" fill="#222">${escapeXml(labels.title)}</text>`,
    `<rect x="${PLOT.left}" y="86" width="28" height="28" fill="#4a90d9"/>`,
    `<text x="${PLOT.left + 40}" y="110" font-family="${FONT}" font-size="28" fill="#333">${escapeXml(labels.revenue)}</text>`,
    `<line x1="${PLOT.left + 360}" y1="100" x2="${PLOT.left + 400}" y2="100" stroke="#e8743b" stroke-width="6"/>`,
    `<text x="${PLOT.left + 412}" y="110" font-family="${FONT}" font-size="28" fill="#333">${escapeXml(labels.nps)}</text>`,
    `<line x1="${PLOT.left}" y1="${baseY}" x2="${WIDTH - PLOT.right}" y2="${baseY}" stroke="#999" stroke-width="2"/>`,
    `<line x1="${PLOT.left}" y1="${npsY(0)}" x2="${WIDTH - PLOT.right}" y2="${npsY(0)}" stroke="#ddd" stroke-width="2" stroke-dasharray="8 8"/>`,
    `<text x="${PLOT.left}" y="${PLOT.top - 8}" font-family="${FONT}" font-size="24" fill="#555">${escapeXml(labels.revenueMax)}</text>`,
    `<text x="${WIDTH - PLOT.right + 8}" y="${npsY(100) + 8}" font-family="${FONT}" font-size="24" fill="#e8743b">+100</text>`,
    `<text x="${WIDTH - PLOT.right + 8}" y="${npsY(0) + 8}" font-family="${FONT}" font-size="24" fill="#e8743b">0</text>`,
    `<text x="${WIDTH - PLOT.right + 8}" y="${npsY(-100) + 8}" font-family="${FONT}" font-size="24" fill="#e8743b">−100</text>`,
  ]
  points.forEach((point, index) => {
    const height = (point.revenue / maxRevenue) * plotHeight
    const x = PLOT.left + index * slot + (slot - barWidth) / 2
    if (point.revenue > 0)
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${(baseY - height).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${height.toFixed(1)}" fill="#4a90d9"/>`,
      )
    // A date under every 7th day counted back from the last one (always labelled), so labels never overlap.
    if ((points.length - 1 - index) % 7 === 0)
      parts.push(
        `<text x="${(x + barWidth / 2).toFixed(1)}" y="${baseY + 40}" font-family="${FONT}" font-size="26" fill="#333" text-anchor="middle">${escapeXml(point.label)}</text>`,
      )
  })
  const line = points
    .map((point, index) => ({ point, x: PLOT.left + index * slot + slot / 2 }))
    .filter((entry) => entry.point.nps !== null)
  if (line.length > 1)
    parts.push(
      `<polyline fill="none" stroke="#e8743b" stroke-width="5" points="${line.map(({ point, x }) => `${x.toFixed(1)},${npsY(point.nps!).toFixed(1)}`).join(' ')}"/>`,
    )
  for (const { point, x } of line)
    parts.push(`<circle cx="${x.toFixed(1)}" cy="${npsY(point.nps!).toFixed(1)}" r="8" fill="#e8743b"/>`)
  parts.push('</svg>')
  return parts.join('\n')
}

/** Renders the chart to PNG with resvg (no browser), using the system fonts (DejaVu in the image). */
export function renderRevenueChart(points: readonly ChartPoint[], labels: ChartLabels): Buffer {
  const svg = revenueChartSvg(points, labels)
  const resvg = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } })
  return Buffer.from(resvg.render().asPng())
}
