#!/usr/bin/env node
// Draws the app and tray icons into resources/ as PNG files, with nothing but Node's zlib:
// shapes are signed-distance functions, supersampled 4×4 per pixel for smooth edges.
// Output is deterministic, so re-running it only changes files when the drawing changes.
//   node scripts/make-icons.js
'use strict'
const fs = require('node:fs')
const path = require('node:path')
const zlib = require('node:zlib')

const OUT_DIR = path.join(__dirname, '..', 'resources')
const SUPERSAMPLE = 4

// The theme's colours (src/renderer/src/styles.css).
const ACCENT = [138, 169, 230]
const STAR = [238, 241, 245]
const OK = [92, 191, 143]
const ALERT = [226, 92, 92]
const ORBIT_GREY = [150, 160, 174]
const OFFLINE_GREY = [128, 137, 150]

// ---- PNG encoding (RGBA, 8 bits per channel) ----

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(bytes) {
  let c = 0xffffffff
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type, data) {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

/** Encodes RGBA pixels (Uint8ClampedArray, row-major) as a PNG file. */
function encodePng(width, height, rgba) {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8 // bit depth
  header[9] = 6 // colour type: RGBA
  const rows = Buffer.alloc((width * 4 + 1) * height)
  for (let y = 0; y < height; y++) {
    rows[y * (width * 4 + 1)] = 0 // filter: none
    Buffer.from(rgba.buffer, y * width * 4, width * 4).copy(rows, y * (width * 4 + 1) + 1)
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0))
  ])
}

// ---- drawing ----

/** Coverage (0..1) of a shape whose signed distance is `d` pixels, over about one sample. */
const cover = (d, feather) => Math.min(1, Math.max(0, 0.5 - d / feather))

function roundedSquareDistance(x, y, half, radius) {
  const qx = Math.abs(x) - (half - radius)
  const qy = Math.abs(y) - (half - radius)
  const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0))
  return outside + Math.min(Math.max(qx, qy), 0) - radius
}

/** Approximate distance to an ellipse's outline (first-order: |g| / |∇g|), and which half. */
function ellipse(x, y, rx, ry, angle) {
  const cos = Math.cos(angle)
  const sin = Math.sin(angle)
  const u = x * cos + y * sin
  const v = -x * sin + y * cos
  const g = (u * u) / (rx * rx) + (v * v) / (ry * ry) - 1
  const grad = Math.hypot((2 * u) / (rx * rx), (2 * v) / (ry * ry)) || 1e-9
  return { distance: Math.abs(g) / grad, behind: v < 0 }
}

/** Paints `color` with `alpha` over the accumulator pixel `px` (premultiplied "over"). */
function over(px, color, alpha) {
  if (alpha <= 0) return
  px[0] = color[0] * alpha + px[0] * (1 - alpha)
  px[1] = color[1] * alpha + px[1] * (1 - alpha)
  px[2] = color[2] * alpha + px[2] * (1 - alpha)
  px[3] = alpha + px[3] * (1 - alpha)
}

/**
 * Renders `size`×`size` pixels; `paint(x, y, px)` paints one sample at (x, y), measured in
 * units where the image spans -1..1, into `px` = [r, g, b, a] with colour premultiplied.
 */
function render(size, paint) {
  const rgba = new Uint8ClampedArray(size * size * 4)
  const samples = SUPERSAMPLE * SUPERSAMPLE
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0]
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const x = ((px + (sx + 0.5) / SUPERSAMPLE) / size) * 2 - 1
          const y = ((py + (sy + 0.5) / SUPERSAMPLE) / size) * 2 - 1
          const sample = [0, 0, 0, 0]
          paint(x, y, sample)
          for (let i = 0; i < 4; i++) sum[i] += sample[i]
        }
      }
      const alpha = sum[3] / samples
      const at = (py * size + px) * 4
      rgba[at + 3] = Math.round(alpha * 255)
      for (let i = 0; i < 3; i++)
        rgba[at + i] = alpha > 0 ? Math.round(sum[i] / samples / alpha) : 0
    }
  }
  return rgba
}

const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t)

/** The app icon: a dark rounded tile, a soft glow, a bright core and a tilted orbit. */
function paintAppIcon(size) {
  const unit = 2 / size // one pixel, in -1..1 units
  const tilt = (-28 * Math.PI) / 180
  return (x, y, px) => {
    const tile = roundedSquareDistance(x, y, 0.88, 0.2)
    const inside = cover(tile / unit, 1)
    if (inside <= 0) return
    over(px, mix([30, 37, 52], [13, 16, 22], (y + 1) / 2), inside)

    const r = Math.hypot(x, y)
    over(px, ACCENT, 0.22 * Math.exp(-(r * r) / 0.18) * inside)

    const core = 0.23
    const coreDistance = r - core
    const orbit = ellipse(x, y, 0.74, 0.2, tilt)
    const ring = cover((orbit.distance - 0.032) / unit, 1.5) * inside
    // The half of the orbit behind the core is hidden by it.
    if (orbit.behind) over(px, ACCENT, ring)
    over(px, mix(STAR, ACCENT, Math.min(1, (r / core) ** 2)), cover(coreDistance / unit, 1.5))
    if (!orbit.behind) over(px, ACCENT, ring)
  }
}

// ---- tray icons: one per state, the same marks in colour (Linux, Windows) and as macOS
// template images (black + alpha; macOS tints them), so a state reads by shape as well as colour.

const AMBER = [232, 178, 84]
const TEMPLATE = [0, 0, 0]

/** Per state: core shape, orbit style, extra mark and the colour of the core. */
const TRAY_STATES = {
  healthy: { core: 'disc', orbit: 'solid', mark: null, color: OK },
  running: { core: 'disc', orbit: 'solid', mark: 'satellite', color: ACCENT },
  failures: { core: 'disc', orbit: 'solid', mark: 'badge', color: ALERT },
  reconnecting: { core: 'disc', orbit: 'dashed', mark: null, color: AMBER },
  offline: { core: 'ring', orbit: 'dashed', mark: null, color: OFFLINE_GREY },
  'sign-in': { core: 'lock', orbit: 'solid', mark: null, color: AMBER }
}

/** Where the satellite sits on the orbit (front, upper right) and the badge's circle. */
const SATELLITE = { angle: (-40 * Math.PI) / 180, radius: 0.22 }
const BADGE = { x: 0.56, y: -0.56, radius: 0.36 }
/** The clear gap around a mark, so it reads apart from the orbit under it. */
const GAP = 0.14

function padlockDistance(x, y, stroke) {
  const body = roundedSquareDistanceXY(x, y - 0.16, 0.42, 0.32, 0.08)
  // The shackle: the upper half of a ring above the body.
  const ring = Math.abs(Math.hypot(x, y + 0.16) - 0.26) - stroke / 2
  const shackle = y < -0.16 ? ring : Math.max(ring, Math.abs(x) - 0.26 - stroke / 2)
  return Math.min(body, y < 0.0 ? shackle : body)
}

function roundedSquareDistanceXY(x, y, halfX, halfY, radius) {
  const qx = Math.abs(x) - (halfX - radius)
  const qy = Math.abs(y) - (halfY - radius)
  const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0))
  return outside + Math.min(Math.max(qx, qy), 0) - radius
}

/** Scales what is painted so far by `keep` (cuts a gap for a mark drawn on top). */
function cut(px, keep) {
  for (let i = 0; i < 4; i++) px[i] *= keep
}

/** A tray icon for `state`; `template` draws the macOS template variant (black, alpha only). */
function paintTrayIcon(size, state, template) {
  const spec = TRAY_STATES[state]
  const unit = 2 / size
  const tilt = (-28 * Math.PI) / 180
  const stroke = size <= 16 ? 0.14 : 0.09
  const core = 0.44
  const coreColor = template ? TEMPLATE : spec.color
  const orbitColor = template ? TEMPLATE : state === 'offline' ? OFFLINE_GREY : ORBIT_GREY
  const markColor = template ? TEMPLATE : spec.color
  const sat = {
    x:
      0.96 * Math.cos(SATELLITE.angle) * Math.cos(tilt) -
      0.38 * Math.sin(SATELLITE.angle) * Math.sin(tilt),
    y:
      0.96 * Math.cos(SATELLITE.angle) * Math.sin(tilt) +
      0.38 * Math.sin(SATELLITE.angle) * Math.cos(tilt)
  }
  return (x, y, px) => {
    const r = Math.hypot(x, y)
    const orbit = ellipse(x, y, 0.96, 0.38, tilt)
    let ring = cover((orbit.distance - stroke / 2) / unit, 1.2)
    if (spec.orbit === 'dashed') {
      const cos = Math.cos(tilt)
      const sin = Math.sin(tilt)
      const angle = Math.atan2((-x * sin + y * cos) / 0.38, (x * cos + y * sin) / 0.96)
      ring *= Math.sin(angle * 5) > -0.2 ? 1 : 0
    }
    // The core hides the half of the orbit behind it.
    if (orbit.behind) over(px, orbitColor, ring)
    if (spec.core === 'disc') over(px, coreColor, cover((r - core) / unit, 1.2))
    if (spec.core === 'ring') {
      over(px, coreColor, cover((Math.abs(r - core + stroke) - stroke) / unit, 1.2))
    }
    if (spec.core === 'lock')
      over(px, coreColor, cover(padlockDistance(x, y, stroke * 1.3) / unit, 1.2))
    if (!orbit.behind && r > core) over(px, orbitColor, ring)
    if (spec.mark === 'satellite') {
      const d = Math.hypot(x - sat.x, y - sat.y) - SATELLITE.radius
      cut(px, 1 - cover((d - GAP) / unit, 1.2))
      over(px, markColor, cover(d / unit, 1.2))
    }
    if (spec.mark === 'badge') {
      const d = Math.hypot(x - BADGE.x, y - BADGE.y) - BADGE.radius
      cut(px, 1 - cover((d - GAP) / unit, 1.2))
      over(px, markColor, cover(d / unit, 1.2))
    }
  }
}

function write(name, size, paint) {
  const file = path.join(OUT_DIR, name)
  fs.writeFileSync(file, encodePng(size, size, render(size, paint)))
  console.log(`wrote ${path.relative(process.cwd(), file)} (${size}×${size})`)
}

fs.mkdirSync(OUT_DIR, { recursive: true })
write('icon.png', 512, paintAppIcon(512))
for (const state of Object.keys(TRAY_STATES)) {
  // Electron picks name@2x.png on its own on high-density displays; a name ending in
  // "Template" makes a macOS template image (drawn in the menu bar's own colour).
  write(`tray-${state}.png`, 16, paintTrayIcon(16, state, false))
  write(`tray-${state}@2x.png`, 32, paintTrayIcon(32, state, false))
  write(`tray-${state}Template.png`, 16, paintTrayIcon(16, state, true))
  write(`tray-${state}Template@2x.png`, 32, paintTrayIcon(32, state, true))
}
