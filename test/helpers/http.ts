// A thin fetch wrapper for REST tests: one call, parsed JSON body, status and headers.

export interface ApiRequest {
  method?: string
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string
  /** Serialised as JSON (and Content-Type set) unless `rawBody` is given. */
  body?: unknown
  /** Sent exactly as given, with `Content-Type: application/json` unless headers say otherwise. */
  rawBody?: string
  headers?: Record<string, string>
}

export interface ApiResponse {
  status: number
  headers: Headers
  /** The parsed JSON body, or undefined when the body was empty or not JSON. */
  body: unknown
  text: string
}

/** Performs one HTTP request against `baseUrl + path` and parses a JSON answer. */
export async function api(
  baseUrl: string,
  path: string,
  request: ApiRequest = {}
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...request.headers }
  if (request.token !== undefined) headers.authorization = `Bearer ${request.token}`
  let body: string | undefined
  if (request.rawBody !== undefined) body = request.rawBody
  else if (request.body !== undefined) body = JSON.stringify(request.body)
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json'
  }
  const response = await fetch(`${baseUrl}${path}`, {
    method: request.method ?? 'GET',
    headers,
    body
  })
  const text = await response.text()
  let parsed: unknown
  try {
    parsed = text.length > 0 ? (JSON.parse(text) as unknown) : undefined
  } catch {
    parsed = undefined
  }
  return { status: response.status, headers: response.headers, body: parsed, text }
}
