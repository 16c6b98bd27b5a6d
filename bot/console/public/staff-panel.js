// The staff panel: the staff commands (as in Discord) against this server, shown in a
// dialog with their buttons, lists and forms. Text from the server is set as text, never
// as HTML.
import { h } from './dom.js';

const form = document.querySelector('[data-testid="staff-form"]');
const dialog = document.querySelector('[data-testid="staff-dialog"]');
const byTestId = (id) => dialog.querySelector(`[data-testid="${id}"]`);
const lineInput = form.elements.line;
const suggestions = document.querySelector('[data-testid="staff-suggestions"]');
const asField = document.querySelector('[data-testid="staff-as-field"]');

const who = () => ({ role: form.elements.role.value, ...(form.elements.as.value ? { as: form.elements.as.value } : {}) });

async function run(body) {
  const response = await fetch('/console/api/staff', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...who(), ...body }),
  });
  const json = await response.json().catch(() => ({}));
  show(response.ok ? json : { text: json.message ?? `HTTP ${response.status}` });
}

function fieldList(fields) {
  return (fields ?? []).flatMap((field) => [h('dt', {}, field.name), h('dd', { dataset: { testid: 'staff-field' } }, field.value)]);
}

/** A conversation: one line per message, who said it first. */
function conversation(lines) {
  if (!lines?.length) return null;
  return h('ol', { class: 'staff-conversation', dataset: { testid: 'staff-conversation' } },
    lines.map((line) => h('li', { dataset: { testid: 'staff-conversation-line' } },
      h('span', { class: 'speaker' }, line.speaker), h('span', { class: 'said' }, line.text))));
}

function card(data) {
  const fields = h('dl', { class: 'staff-fields' });
  fields.replaceChildren(...fieldList(data.fields));
  return h('section', { dataset: { testid: 'staff-card' } },
    h('h4', {}, data.title), data.description ? h('p', { class: 'staff-description' }, data.description) : null, conversation(data.conversation), fields);
}

/** Lines to pick from: those with a value open what they name when clicked. */
function pickList(pick) {
  if (!pick) return [];
  return pick.items.map((item) => {
    const content = [h('span', { class: 'pick-label' }, item.label), item.description ? h('span', { class: 'pick-detail' }, item.description) : null];
    if (!item.value) return h('li', { class: 'staff-pick-row', dataset: { testid: 'staff-pick-row' } }, content);
    return h('li', {}, h('button', {
      type: 'button', class: 'staff-pick-row', title: pick.placeholder, dataset: { testid: 'staff-pick-item', value: item.value },
      onclick: () => void run({ component: pick.id, fields: { value: item.value } }),
    }, content));
  });
}

function show(reply) {
  byTestId('staff-title').textContent = reply.card?.title ?? (reply.modal ? reply.modal.title : 'スタッフ画面');
  byTestId('staff-text').textContent = [reply.text, reply.card?.description].filter(Boolean).join('\n');
  byTestId('staff-conversation-box').replaceChildren(...[conversation(reply.card?.conversation)].filter(Boolean));
  byTestId('staff-fields').replaceChildren(...fieldList(reply.card?.fields));
  byTestId('staff-pick').replaceChildren(...pickList(reply.pick));
  byTestId('staff-cards').replaceChildren(...(reply.cards ?? []).map(card));
  byTestId('staff-buttons').replaceChildren(...(reply.buttons ?? []).map((button) => h('button', {
    type: 'button', class: button.style, dataset: { testid: 'staff-button' }, onclick: () => void run({ component: button.id }),
  }, button.label)));
  showModal(reply.modal);
  const file = byTestId('staff-file');
  file.hidden = !reply.file;
  if (reply.file) {
    const bytes = Uint8Array.from(atob(reply.file.base64), (c) => c.charCodeAt(0));
    file.href = URL.createObjectURL(new Blob([bytes]));
    file.download = reply.file.name;
    file.textContent = `${reply.file.name} をダウンロード`;
  }
  if (!dialog.open) dialog.showModal();
}

function showModal(modal) {
  const box = byTestId('staff-modal');
  box.hidden = !modal;
  if (!modal) return box.replaceChildren();
  const inputs = modal.inputs.map((input) => {
    const control = h(input.multiline ? 'textarea' : 'input', { name: input.id, dataset: { testid: `staff-input-${input.id}` } });
    control.required = input.required;
    control.maxLength = input.maxLength;
    if (input.value !== undefined) control.value = input.value;
    if (input.placeholder) control.placeholder = input.placeholder;
    return h('label', { class: 'field' }, h('span', {}, input.label), control);
  });
  box.replaceChildren(...inputs, h('button', { type: 'submit', class: 'primary', dataset: { testid: 'staff-modal-submit' } }, '送信'));
  box.onsubmit = (event) => {
    event.preventDefault();
    const fields = Object.fromEntries(modal.inputs.map((input) => [input.id, box.elements[input.id].value]));
    void run({ component: modal.id, fields });
  };
}

// ── who is asking: a judge acts as one judge of the roster; no other role may ──────────

let judges = [];

function renderWho() {
  const judge = form.elements.role.value === 'judge';
  asField.hidden = !judge;
  form.elements.as.replaceChildren(...(judge ? judges.map((j) => h('option', { value: j.id }, `${j.name} (${j.id})`)) : [h('option', { value: '' }, '')]));
}

// ── the command box: the commands this role may use, as one types ──────────────────────

const guides = new Map();
let highlighted = -1;

async function guideFor(role) {
  if (!guides.has(role)) {
    guides.set(role, fetch(`/console/api/staff/commands?role=${encodeURIComponent(role)}`).then((r) => r.json()).then((body) => body.commands ?? []));
  }
  return guides.get(role).catch(() => []);
}

async function renderSuggestions() {
  const typed = lineInput.value.trimStart();
  const word = typed.replace(/^\//, '').split(/\s+/)[0].toLowerCase();
  const typingArguments = /\s/.test(typed);
  const commands = (await guideFor(form.elements.role.value)).filter((c) => (typingArguments ? c.name === word : c.name.startsWith(word)));
  highlighted = Math.min(highlighted, commands.length - 1);
  suggestions.replaceChildren(...commands.map((command, i) => h('li', {
    role: 'option', class: i === highlighted ? 'highlighted' : '', 'aria-selected': i === highlighted ? 'true' : 'false',
    dataset: { testid: 'staff-suggestion', name: command.name },
    onmousedown: (event) => {
      event.preventDefault();
      accept(command);
    },
  }, h('code', {}, command.usage), h('span', {}, command.description))));
  suggestions.hidden = commands.length === 0 || document.activeElement !== lineInput;
  lineInput.setAttribute('aria-expanded', String(!suggestions.hidden));
  if (!suggestions.hidden) (suggestions.querySelector('.highlighted') ?? suggestions).scrollIntoView({ block: 'nearest' });
}

function accept(command) {
  lineInput.value = `/${command.name} `;
  lineInput.focus();
  highlighted = -1;
  void renderSuggestions();
}

function runLine() {
  const line = lineInput.value.trim();
  suggestions.hidden = true;
  if (line) void run({ line });
}

lineInput.addEventListener('input', () => {
  highlighted = -1;
  void renderSuggestions();
});
lineInput.addEventListener('focus', () => void renderSuggestions());
lineInput.addEventListener('blur', () => {
  suggestions.hidden = true;
  lineInput.setAttribute('aria-expanded', 'false');
});
lineInput.addEventListener('keydown', (event) => {
  const options = [...suggestions.querySelectorAll('li')];
  const open = !suggestions.hidden && options.length > 0;
  if (open && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
    event.preventDefault();
    highlighted = (highlighted + (event.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length;
    void renderSuggestions();
  } else if (open && highlighted >= 0 && (event.key === 'Enter' || event.key === 'Tab')) {
    event.preventDefault();
    options[highlighted].dispatchEvent(new MouseEvent('mousedown'));
  } else if (event.key === 'Escape') {
    suggestions.hidden = true;
  } else if (event.key === 'Enter') {
    event.preventDefault();
    runLine();
  }
});

for (const button of form.querySelectorAll('button[data-command]')) {
  button.addEventListener('click', () => void run({ command: button.dataset.command }));
}
form.addEventListener('submit', (event) => {
  event.preventDefault();
  const receipt = form.elements.receipt.value.trim();
  if (receipt) void run({ command: 'application', receipt });
});
form.elements.role.addEventListener('change', () => {
  renderWho();
  void renderSuggestions();
});
form.querySelector('[data-testid="staff-run"]').addEventListener('click', runLine);
// A broadcast: the form for its text opens for the chosen segment (and send time).
form.querySelector('[data-testid="staff-broadcast-draft"]').addEventListener('click', () => {
  const sendAt = form.elements.sendAt.value.trim();
  void run({ command: 'broadcast', segment: form.elements.segment.value, ...(sendAt ? { sendAt } : {}) });
});
byTestId('staff-close').addEventListener('click', () => dialog.close());

// Judges on the roster, so the panel can score as one of them.
fetch('/console/api/staff/roster').then((r) => r.json()).then((roster) => {
  judges = roster.judges;
  renderWho();
}).catch(() => undefined);
renderWho();
