// The console's own JSON API (/console/api/...). Every call resolves to the parsed body
// or throws an Error whose message is the server's explanation.

async function request(method, path, body) {
  const response = await fetch(`/console/api${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(json.message ?? `HTTP ${response.status}`);
  return json;
}

export const api = {
  users: () => request('GET', '/users'),
  addUser: (displayName, language) => request('POST', '/users', { displayName, language }),
  transcript: (userId, after) => request('GET', `/users/${userId}/transcript?after=${after}`),
  sendText: (userId, text) => request('POST', `/users/${userId}/text`, { text }),
  sendPostback: (userId, postback) => request('POST', `/users/${userId}/postback`, postback),
  sendFile: (userId, file) => request('POST', `/users/${userId}/file`, file),
  unsend: (userId, messageId) => request('POST', `/users/${userId}/unsend`, { messageId }),
  setBlocked: (userId, blocked) => request('POST', `/users/${userId}/blocked`, { blocked }),
};

/** Reads a File as base64 without the data: URL prefix. */
export function readAsBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}
