// LINE's date/time picker action as a small dialog around the browser's own
// <input type=date|time|datetime-local>, honouring the action's initial, min and max.

const INPUT_TYPE = { date: 'date', time: 'time', datetime: 'datetime-local' };
const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);

/**
 * Wires the dialog in index.html. `onPick(action, params)` receives what LINE would put
 * in `postback.params`, e.g. `{ date: '2024-04-01' }`.
 */
export function createDatePicker(onPick) {
  let open = null;
  const input = $('date-input');

  $('date-form').addEventListener('submit', (event) => {
    event.preventDefault();
    if (!open) return;
    if (!input.value || !input.checkValidity()) {
      $('date-error').textContent = problem(input);
      return;
    }
    const { action, mode } = open;
    close();
    onPick(action, { [mode]: input.value });
  });
  $('date-cancel').addEventListener('click', close);
  input.addEventListener('input', preview);

  function close() {
    open = null;
    $('date-dialog').close();
  }

  /** The chosen value spelled out in Japanese, whatever format the browser's own control shows. */
  function preview() {
    $('date-preview').textContent = input.value && open ? spelled(input.value, open.mode) : '';
  }

  return {
    open(action) {
      const mode = INPUT_TYPE[action.mode] ? action.mode : 'date';
      open = { action, mode };
      input.type = INPUT_TYPE[mode];
      input.min = action.min ?? '';
      input.max = action.max ?? '';
      input.value = action.initial ?? '';
      $('date-title').textContent = action.label || '日付を選ぶ';
      $('date-error').textContent = '';
      $('date-range').textContent = range(action.min, action.max, mode);
      preview();
      $('date-dialog').showModal();
      input.focus();
    },
  };
}

function spelled(value, mode) {
  if (mode === 'time') return value;
  const date = new Date(mode === 'date' ? `${value}T00:00:00` : value);
  if (Number.isNaN(date.getTime())) return value;
  const options = mode === 'date' ? { dateStyle: 'full' } : { dateStyle: 'full', timeStyle: 'short' };
  return new Intl.DateTimeFormat('ja-JP', options).format(date);
}

function range(min, max, mode) {
  if (!min && !max) return '';
  return `選べる範囲 / range: ${min ? spelled(min, mode) : ''} 〜 ${max ? spelled(max, mode) : ''}`;
}

function problem(input) {
  if (!input.value) return '日付を選んでください / choose a date';
  const limits = [input.min && `${input.min}以降`, input.max && `${input.max}以前`].filter(Boolean).join('、');
  return `${limits}の日付を選んでください / out of range`;
}
