import type { IncomingMessage } from 'node:http'
import { ErrorCode } from '@shared/protocol'
import { HttpError } from './routes'

/** Largest request body accepted (413 beyond). */
const MAX_BODY_BYTES = 1024 * 1024
/** `application/json`, optionally with `charset=utf-8`: the only body type the API reads. */
const JSON_MEDIA_TYPE = /^\s*application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i

function tooLarge(): HttpError {
  return new HttpError(
    413,
    ErrorCode.ValidationError,
    `request body larger than ${MAX_BODY_BYTES} bytes`
  )
}

/** True when the request carries a body at all (a length above zero, or chunked). */
function hasBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true
  const length = req.headers['content-length']
  return length !== undefined && Number(length) !== 0
}

/**
 * Reads and parses a JSON request body: undefined when there is none; 415 before reading
 * anything unless it is declared `application/json` (so a form a web page posts is never
 * parsed); 413 over the size limit; 422 when it is not JSON.
 */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  if (!hasBody(req)) return undefined
  const type = req.headers['content-type']
  if (type === undefined || !JSON_MEDIA_TYPE.test(type)) {
    throw new HttpError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'request bodies must be sent as Content-Type: application/json'
    )
  }
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) throw tooLarge()
  const text = await readText(req)
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new HttpError(422, ErrorCode.ValidationError, 'request body is not valid JSON')
  }
}

function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    const finish = (outcome: () => void): void => {
      if (done) return
      done = true
      outcome()
    }
    req.on('data', (chunk: Buffer) => {
      if (done) return
      size += chunk.length
      if (size > MAX_BODY_BYTES) finish(() => reject(tooLarge()))
      else chunks.push(chunk)
    })
    req.on('end', () => finish(() => resolve(Buffer.concat(chunks).toString('utf8'))))
    req.on('error', (error) => finish(() => reject(error)))
  })
}
