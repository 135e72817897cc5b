// Server-to-client WebSocket text frames built ahead of time (RFC 6455: FIN + text opcode, no
// mask), so the sender's only work while a stream runs is writing bytes to its socket.

/** One unmasked text frame carrying `payload`. */
export function textFrame(payload: Buffer): Buffer {
  const length = payload.length
  let header: Buffer
  if (length < 126) {
    header = Buffer.from([0x81, length])
  } else if (length < 65_536) {
    header = Buffer.alloc(4)
    header[0] = 0x81
    header[1] = 126
    header.writeUInt16BE(length, 2)
  } else {
    header = Buffer.alloc(10)
    header[0] = 0x81
    header[1] = 127
    header.writeBigUInt64BE(BigInt(length), 2)
  }
  return Buffer.concat([header, payload])
}

/** Frames for `texts`, packed into chunks of about `chunkBytes` (whole frames only). */
export function framedChunks(texts: Iterable<string>, chunkBytes = 256 * 1024): Buffer[] {
  const chunks: Buffer[] = []
  let pending: Buffer[] = []
  let size = 0
  for (const text of texts) {
    const frame = textFrame(Buffer.from(text))
    pending.push(frame)
    size += frame.length
    if (size >= chunkBytes) {
      chunks.push(Buffer.concat(pending))
      pending = []
      size = 0
    }
  }
  if (pending.length > 0) chunks.push(Buffer.concat(pending))
  return chunks
}
