// The REST API as the dashboard uses it: JSON in, JSON out, errors as {error, field}.
//
// Once the service has API tokens, every /api call needs `Authorization: Bearer <token>`. The token
// the user signs in with is kept in sessionStorage: per tab, gone when the tab closes, never in
// localStorage (which outlives the session) nor in a URL (which lands in history and logs).

const TOKEN_KEY = 'infertune.apiToken';

export class ApiError extends Error {
  constructor(status, message, field) {
    super(message);
    this.status = status;
    this.field = field || null;
  }
}

export function storedToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch (e) {
    return null; // storage disabled: the user signs in again on every load
  }
}

export function storeToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken() {
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch (e) {
    // nothing stored
  }
}

/** The Authorization header for the stored token, or none. */
export function authHeaders() {
  const token = storedToken();
  return token ? { authorization: 'Bearer ' + token } : {};
}

const unauthorizedListeners = [];

/** Calls fn(error) whenever a call answers 401: the token is missing, revoked or mistyped. */
export function onUnauthorized(fn) {
  unauthorizedListeners.push(fn);
}

/** Tells the listeners; streams call it too. */
export function reportUnauthorized(error) {
  unauthorizedListeners.forEach((fn) => fn(error));
}

/** The {error, field} of a failed response as an ApiError. */
export async function errorOf(response) {
  let json = null;
  try {
    json = JSON.parse(await response.text());
  } catch (e) {
    json = null;
  }
  const message = (json && json.error) || response.statusText || 'HTTP ' + response.status;
  return new ApiError(response.status, message, json && json.field);
}

export async function request(method, path, body) {
  const init = { method, headers: { accept: 'application/json', ...authHeaders() } };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'the service cannot be reached: ' + e.message, null);
  }
  if (!response.ok) {
    const error = await errorOf(response);
    if (error.status === 401) reportUnauthorized(error);
    throw error;
  }
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch (e) {
    return null;
  }
}

export const get = (path) => request('GET', path);
export const post = (path, body) => request('POST', path, body);

/** Who the token (or its absence) is: {name, role, enforced}; 401 when a token is needed. */
export const whoami = () => get('/api/v1/whoami');
