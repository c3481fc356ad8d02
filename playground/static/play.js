// The playground page: draws the stand-in Slack's state (polled from /play/state) and sends what the
// person does to /play/..., where it becomes the request Slack would send the app.
"use strict";

const EMOJI = {
  white_check_mark: "✅", heavy_check_mark: "✔️", warning: "⚠️", rotating_light: "🚨", information_source: "ℹ️",
  alarm_clock: "⏰", memo: "📝", zzz: "💤", mag: "🔍", leftwards_arrow_with_hook: "↩️", gear: "⚙️",
  white_circle: "⚪", snowflake: "❄️", red_circle: "🔴", office: "🏢", large_yellow_circle: "🟡",
  large_orange_circle: "🟠", large_green_circle: "🟢", large_blue_circle: "🔵", hourglass: "⌛",
  hourglass_flowing_sand: "⏳", chart_with_upwards_trend: "📈", chart_with_downwards_trend: "📉",
  thinking_face: "🤔", telephone_receiver: "📞", tada: "🎉", speech_balloon: "💬", slightly_smiling_face: "🙂",
  slightly_frowning_face: "🙁", neutral_face: "😐", no_bell: "🔕", bell: "🔔", new: "🆕", handshake: "🤝",
  grey_question: "❔", question: "❓", email: "📧", calendar: "📅", date: "📅", bust_in_silhouette: "👤",
  busts_in_silhouette: "👥", arrows_counterclockwise: "🔄", arrow_down: "⬇️", arrow_up: "⬆️", arrow_right: "➡️",
  "+1": "👍", thumbsup: "👍", "-1": "👎", eyes: "👀", x: "❌", fire: "🔥", wave: "👋", clipboard: "📋",
  pushpin: "📌", link: "🔗", lock: "🔒", star: "⭐", rocket: "🚀", raised_hands: "🙌", pray: "🙏",
  ok_hand: "👌", inbox_tray: "📥", package: "📦", file_folder: "📁", page_facing_up: "📄", bar_chart: "📊",
  sparkles: "✨", heart: "❤️", smile: "😄", white_large_square: "⬜", black_small_square: "▪️",
};
const REACTION_CHOICES = ["white_check_mark", "zzz", "+1", "eyes", "tada", "x"];

let state = null;
let current = null; // the channel id shown
let tab = "messages"; // in the bot's DM: "home" or "messages"
let modalErrors = {};
let drawnModal = null; // the view id and hash on screen, so typing is not lost on a redraw
const seen = {}; // channel id -> how many of its messages the person has had on screen

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "html") node.innerHTML = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
};

// ------------------------------------------------------------------ talking to the playground

async function send(what, fields) {
  const answer = await fetch(`/play/${what}`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(fields || {}),
  });
  const body = await answer.json().catch(() => ({}));
  if (!answer.ok) notice(body.error || `the playground answered ${answer.status}`);
  return body;
}

function notice(text) {
  const box = $("notice");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(notice.timer);
  notice.timer = setTimeout(() => { box.hidden = true; }, 6000);
}

async function poll() {
  let since = -1;
  for (;;) {
    try {
      const answer = await fetch(`/play/state?since=${since}`);
      state = await answer.json();
      since = state.version;
      draw();
    } catch (problem) {
      notice("The playground stopped answering; is python app.py still running?");
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

// ------------------------------------------------------------------ text: mrkdwn as Slack shows it

function escapeHtml(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function personName(id) {
  const known = state && state.users[id];
  return known ? known.name : id;
}

function formatDate(seconds, withTime) {
  const options = { timeZone: state.timezone, weekday: "short", month: "short", day: "numeric" };
  if (withTime) Object.assign(options, { hour: "numeric", minute: "2-digit" });
  return new Date(seconds * 1000).toLocaleString("en-US", options);
}

function special(token) {
  // What Slack writes in angle brackets: people, channels, broadcasts, dates and links.
  const [target, label] = token.split("|", 2);
  if (target.startsWith("@")) return `<span class="mention">@${escapeHtml(personName(target.slice(1)))}</span>`;
  if (target.startsWith("#")) {
    const channel = state.channels.find((c) => c.id === target.slice(1));
    return `<span class="mention">#${escapeHtml(channel ? channel.name : label || target.slice(1))}</span>`;
  }
  if (target.startsWith("!date^")) {
    const seconds = Number(target.split("^")[1]);
    return escapeHtml(Number.isFinite(seconds) ? formatDate(seconds, /time/.test(target)) : label || "");
  }
  if (target.startsWith("!")) return `<span class="mention">@${escapeHtml(target.slice(1).split("^")[0])}</span>`;
  const url = decodeEntities(target);
  if (!/^(https?:|mailto:)/.test(url)) return escapeHtml(`<${token}>`);
  return `<a href="${escapeHtml(url)}" target="_blank" rel="noopener">${escapeHtml(decodeEntities(label || target))}</a>`;
}

function decodeEntities(text) {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function emojify(html) {
  return html.replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] || whole);
}

function mrkdwn(text) {
  const tokens = [];
  let work = String(text || "").replace(/<([^<>]+)>/g, (_, inner) => `\u0000${tokens.push(special(inner)) - 1}\u0000`);
  const code = [];
  work = escapeHtml(decodeEntities(work));
  work = work.replace(/```([\s\S]*?)```/g, (_, inner) => `\u0001${code.push(`<pre>${inner}</pre>`) - 1}\u0001`);
  work = work.replace(/`([^`\n]+)`/g, (_, inner) => `\u0001${code.push(`<code>${inner}</code>`) - 1}\u0001`);
  work = work
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,!?:;])/g, "$1<b>$2</b>")
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,!?:;])/g, "$1<i>$2</i>")
    .replace(/(^|[\s(])~([^~\n]+)~(?=$|[\s).,!?:;])/g, "$1<s>$2</s>")
    .replace(/^&gt; ?(.*)$/gm, "<blockquote>$1</blockquote>");
  work = emojify(work).replace(/\n/g, "<br>");
  work = work.replace(/\u0001(\d+)\u0001/g, (_, i) => code[Number(i)]);
  return work.replace(/\u0000(\d+)\u0000/g, (_, i) => tokens[Number(i)]);
}

function textObject(object) {
  if (!object) return "";
  if (object.type === "mrkdwn") return mrkdwn(object.text);
  const plain = escapeHtml(String(object.text || ""));
  return object.emoji === false ? plain : emojify(plain);
}

// ------------------------------------------------------------------ Block Kit

function cannotDraw(what) {
  return el("div", { class: "block-error", role: "alert" }, `Block Kit the playground cannot draw: ${what}`);
}

function renderBlocks(blocks, where) {
  if (!Array.isArray(blocks)) return [cannotDraw("blocks is not a list")];
  return blocks.map((block) => {
    try {
      return el("div", { class: `block block-${block.type}`, "data-block-id": block.block_id }, renderBlock(block, where));
    } catch (problem) {
      return cannotDraw(`${block && block.type} block (${problem.message})`);
    }
  });
}

function renderBlock(block, where) {
  switch (block.type) {
    case "header":
      return el("h3", { class: "header", html: textObject(block.text) });
    case "divider":
      return el("hr", { class: "divider" });
    case "section": {
      const main = el("div", { class: "section-main" });
      if (block.text) main.append(el("div", { html: textObject(block.text) }));
      if (block.fields) main.append(el("div", { class: "fields" }, block.fields.map((f) => el("div", { html: textObject(f) }))));
      const parts = [main];
      if (block.accessory) parts.push(renderElement(block.accessory, block, where));
      return el("div", { class: "section" }, parts);
    }
    case "context":
      return el("div", { class: "context" }, (block.elements || []).map((e) =>
        e.type === "image" ? el("img", { src: e.image_url, alt: e.alt_text }) : el("span", { html: textObject(e) })));
    case "actions":
      return el("div", { class: "actions" }, (block.elements || []).map((e) => renderElement(e, block, where)));
    case "image":
      return el("img", { src: block.image_url, alt: block.alt_text, style: "max-width: 360px" });
    case "input":
      return renderInput(block, where);
    default:
      throw new Error(`unknown block type ${JSON.stringify(block.type)}`);
  }
}

function renderInput(block, where) {
  const id = `in-${block.block_id}`;
  const error = modalErrors[block.block_id];
  const label = el("label", { class: "input-label", for: id, html: textObject(block.label) });
  if (block.optional) label.append(el("span", { class: "optional" }, " (optional)"));
  const wrapper = el("div", { class: `input-block${error ? " has-error" : ""}` }, label,
    renderElement(block.element, block, where, id));
  if (block.hint) wrapper.append(el("div", { class: "hint", html: textObject(block.hint) }));
  if (error) wrapper.append(el("div", { class: "field-error", role: "alert" }, error));
  return wrapper;
}

function optionText(option) {
  return option ? String(option.text && option.text.text || option.value) : "";
}

function renderElement(element, block, where, id) {
  const act = (action) => act_on(where, block, { block_id: block.block_id, action_id: element.action_id, type: element.type, ...action });
  const inForm = block.type === "input";
  const attrs = { id, "data-action-id": element.action_id, "data-type": element.type };
  switch (element.type) {
    case "button": {
      const button = el("button", {
        ...attrs, type: "button", class: element.style || null, "aria-label": element.accessibility_label,
        onclick: () => {
          if (element.url) window.open(element.url, "_blank", "noopener");
          act({ text: element.text, value: element.value, style: element.style });
        },
      });
      button.innerHTML = textObject(element.text);
      return button;
    }
    case "overflow":
    case "static_select":
    case "multi_static_select":
    case "radio_buttons":
    case "checkboxes":
      return renderChoice(element, attrs, inForm, act);
    case "external_select":
    case "multi_external_select":
      return renderSuggest(element, block, where, attrs, inForm, act);
    case "users_select":
    case "multi_users_select": {
      const people = Object.entries(state.users).filter(([, u]) => !u.is_bot)
        .map(([uid, u]) => ({ text: { type: "plain_text", text: u.name }, value: uid }));
      const chosen = element.initial_users || (element.initial_user ? [element.initial_user] : []);
      return renderChoice({ ...element, options: people, initial_options: people.filter((o) => chosen.includes(o.value)) },
        attrs, inForm, (a) => act(element.type === "users_select"
          ? { selected_user: a.selected_option && a.selected_option.value }
          : { selected_users: (a.selected_options || []).map((o) => o.value) }));
    }
    case "conversations_select":
    case "channels_select": {
      const channels = state.channels.filter((c) => !c.is_im)
        .map((c) => ({ text: { type: "plain_text", text: `#${c.name}` }, value: c.id }));
      const initial = element.initial_conversation || element.initial_channel;
      return renderChoice({ ...element, options: channels, initial_options: channels.filter((o) => o.value === initial) },
        attrs, inForm, (a) => act({ [element.type === "channels_select" ? "selected_channel" : "selected_conversation"]: a.selected_option && a.selected_option.value }));
    }
    case "plain_text_input":
    case "email_text_input":
    case "url_text_input":
    case "number_input": {
      const kind = { email_text_input: "email", url_text_input: "url", number_input: "number" }[element.type] || "text";
      const input = element.multiline
        ? el("textarea", { ...attrs, placeholder: element.placeholder && element.placeholder.text, maxlength: element.max_length })
        : el("input", { ...attrs, type: kind, placeholder: element.placeholder && element.placeholder.text, maxlength: element.max_length });
      input.value = element.initial_value || "";
      return input;
    }
    case "datepicker": {
      const input = el("input", { ...attrs, type: "date", onchange: () => !inForm && act({ selected_date: input.value || null }) });
      input.value = element.initial_date || "";
      return input;
    }
    case "timepicker": {
      const input = el("input", { ...attrs, type: "time", onchange: () => !inForm && act({ selected_time: input.value || null }) });
      input.value = element.initial_time || "";
      return input;
    }
    case "datetimepicker": {
      const date = el("input", { type: "date", "aria-label": "date", class: "dt-date" });
      const time = el("input", { type: "time", "aria-label": "time", class: "dt-time" });
      if (element.initial_date_time) {
        const local = zonedParts(element.initial_date_time);
        date.value = local.date;
        time.value = local.time;
      }
      return el("div", { ...attrs, class: "datetime" }, date, time);
    }
    default:
      throw new Error(`unknown element type ${JSON.stringify(element.type)}`);
  }
}

function renderChoice(element, attrs, inForm, act) {
  const multiple = element.type.startsWith("multi_") || element.type === "checkboxes";
  const options = element.options || (element.option_groups || []).flatMap((g) => g.options);
  const initial = element.initial_options || (element.initial_option ? [element.initial_option] : []);
  const select = el("select", { ...attrs, multiple: multiple || null });
  if (!multiple) select.append(el("option", { value: "" }, element.type === "overflow" ? "⋯" : (element.placeholder && element.placeholder.text) || "Choose…"));
  options.forEach((option, index) => {
    const node = el("option", { value: String(index) }, optionText(option));
    if (initial.some((i) => i.value === option.value)) node.selected = true;
    select.append(node);
  });
  select._options = options;
  select.addEventListener("change", () => {
    if (inForm) return;
    const chosen = [...select.selectedOptions].filter((o) => o.value !== "").map((o) => options[Number(o.value)]);
    act(multiple ? { selected_options: chosen } : { selected_option: chosen[0] || null });
  });
  return select;
}

function renderSuggest(element, block, where, attrs, inForm, act) {
  // An external_select: options come from the app (a block_suggestion request) as the person types.
  const box = el("div", { ...attrs, class: "suggest" });
  const input = el("input", { type: "search", "aria-label": "search", placeholder: (element.placeholder && element.placeholder.text) || "Type to search" });
  const list = el("ul", { role: "listbox" });
  box.append(input, list);
  box._chosen = element.initial_option || null;
  if (box._chosen) input.value = optionText(box._chosen);
  let asked = 0; // only the answer to the latest question is shown
  const load = async () => {
    const question = ++asked;
    const answer = await send("suggest", { view_id: where.view_id, block_id: block.block_id, action_id: element.action_id, value: input.value });
    if (question !== asked) return;
    list.replaceChildren();
    const groups = answer.option_groups || [{ options: answer.options || [] }];
    for (const group of groups) {
      if (group.label) list.append(el("li", { class: "group" }, optionText({ text: group.label })));
      for (const option of group.options || []) {
        list.append(el("li", { role: "option", onclick: () => {
          box._chosen = option;
          input.value = optionText(option);
          list.replaceChildren();
          if (!inForm) act({ selected_option: option });
        } }, optionText(option)));
      }
    }
    if (!list.children.length) list.append(el("li", { class: "group" }, "No matches"));
  };
  let timer = null;
  input.addEventListener("input", () => { box._chosen = null; clearTimeout(timer); timer = setTimeout(load, 200); });
  input.addEventListener("focus", () => { if ((element.min_query_length || 0) === 0) load(); });
  return box;
}

function zonedParts(seconds) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-CA", {
    timeZone: state.timezone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(new Date(seconds * 1000)).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

function zonedSeconds(date, time) {
  // The workspace's wall time as epoch seconds: start from UTC, correct by the zone's offset then.
  const guess = Date.UTC(...date.split("-").map((v, i) => Number(v) - (i === 1 ? 1 : 0)), ...time.split(":").map(Number)) / 1000;
  const shown = zonedParts(guess);
  const shownSeconds = Date.UTC(...shown.date.split("-").map((v, i) => Number(v) - (i === 1 ? 1 : 0)), ...shown.time.split(":").map(Number)) / 1000;
  return guess - (shownSeconds - guess);
}

function act_on(where, block, action) {
  if (where.view_id) send("action", { view_id: where.view_id, values: where.home ? readValues($("home")) : readValues($("modal-body")), action });
  else send("action", { channel: where.channel, ts: where.ts, action });
}

// Slack's view state for what the person entered: {block_id: {action_id: {type, ...}}}.
function readValues(container) {
  const values = {};
  for (const node of container.querySelectorAll(".block-input [data-action-id]")) {
    const blockId = node.closest(".block").dataset.blockId;
    const type = node.dataset.type;
    const entry = { type };
    if (["plain_text_input", "email_text_input", "url_text_input", "number_input"].includes(type)) entry.value = node.value === "" ? null : node.value;
    else if (type === "datepicker") entry.selected_date = node.value || null;
    else if (type === "timepicker") entry.selected_time = node.value || null;
    else if (type === "datetimepicker") {
      const date = node.querySelector(".dt-date").value;
      const time = node.querySelector(".dt-time").value;
      entry.selected_date_time = date && time ? zonedSeconds(date, time) : null;
    } else if (type === "external_select") entry.selected_option = node._chosen || null;
    else {
      const chosen = [...node.selectedOptions].filter((o) => o.value !== "").map((o) => node._options[Number(o.value)]);
      if (type === "users_select") entry.selected_user = chosen[0] ? chosen[0].value : null;
      else if (type === "multi_users_select") entry.selected_users = chosen.map((o) => o.value);
      else if (type === "conversations_select") entry.selected_conversation = chosen[0] ? chosen[0].value : null;
      else if (type === "channels_select") entry.selected_channel = chosen[0] ? chosen[0].value : null;
      else if (type.startsWith("multi_") || type === "checkboxes") entry.selected_options = chosen;
      else entry.selected_option = chosen[0] || null;
    }
    (values[blockId] = values[blockId] || {})[node.dataset.actionId] = entry;
  }
  return values;
}

// ------------------------------------------------------------------ drawing the page

function draw() {
  $("team").textContent = state.team;
  $("now").textContent = new Date(state.now).toLocaleString("en-US", {
    timeZone: state.timezone, weekday: "long", month: "short", day: "numeric", hour: "numeric", minute: "2-digit",
  });
  $("to-follow-up").disabled = !state.next_follow_up;
  $("to-follow-up").title = state.next_follow_up ? `due ${formatDate(Date.parse(state.next_follow_up) / 1000, true)}` : "no follow-up is waiting";
  if (!current) current = (location.hash.slice(1).split("/")[0]) || state.channels[0].id;
  drawConversation();
  drawSidebar();
  drawProblems();
  drawModal();
}

function drawSidebar() {
  const count = (id) => state.messages.filter((m) => m.channel === id).length;
  const link = (c, label) => {
    const unread = c.id !== current && count(c.id) > (seen[c.id] || 0);
    return el("li", {}, el("a", {
      href: `#${c.id}`, class: [c.id === current ? "active" : "", unread ? "unread" : ""].join(" ").trim() || null,
      "data-channel": c.id, "aria-label": unread ? `${label}, new messages` : null,
      onclick: (event) => { event.preventDefault(); open(c.id, c.is_im ? "home" : "messages"); },
    }, label));
  };
  $("channels").replaceChildren(...state.channels.filter((c) => !c.is_im).map((c) => link(c, `# ${c.name}`)));
  $("apps").replaceChildren(...state.channels.filter((c) => c.is_im).map((c) => link(c, "🟢 brm-bot")));
}

function drawProblems() {
  const box = $("problems");
  box.hidden = !state.problems.length;
  if (!state.problems.length) return;
  box.replaceChildren(el("strong", {}, "Something went wrong between the bot and the stand-in Slack:"),
    el("ul", {}, state.problems.map((p) => el("li", {}, p))),
    el("button", { type: "button", onclick: () => send("dismiss", { problems: true }) }, "Dismiss"));
}

function open(channelId, wantedTab) {
  current = channelId;
  tab = wantedTab || "messages";
  history.replaceState(null, "", `#${channelId}`);
  if (tab === "home") send("home", {});
  draw();
}

function drawConversation() {
  const channel = state.channels.find((c) => c.id === current) || state.channels[0];
  $("title").textContent = channel.is_im ? "brm-bot" : `# ${channel.name}`;
  $("topic").textContent = channel.is_im ? "The bot's Home tab and your messages with it" : channel.topic;
  $("tabs").hidden = !channel.is_im;
  const home = channel.is_im && tab === "home";
  $("tab-home").setAttribute("aria-selected", String(home));
  $("tab-messages").setAttribute("aria-selected", String(!home));
  $("home").hidden = !home;
  $("messages").hidden = home;
  if (home) {
    $("home").replaceChildren(...(state.home ? renderBlocks(state.home.blocks, { view_id: state.home.id, home: true }) : [el("p", {}, "Loading the Home tab…")]));
    return;
  }
  seen[channel.id] = state.messages.filter((m) => m.channel === channel.id).length;
  const list = $("messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren(...state.messages.filter((m) => m.channel === channel.id).map(drawMessage));
  if (atBottom || drawConversation.last !== channel.id) list.scrollTop = list.scrollHeight;
  drawConversation.last = channel.id;
  const [, target] = location.hash.slice(1).split("/");
  if (target) {
    const node = list.querySelector(`[data-ts="${target.replace(/^p(\d+)(\d{6})$/, "$1.$2")}"]`);
    if (node) { node.classList.add("flash"); node.scrollIntoView(); }
  }
}

function drawMessage(message) {
  const isBot = Boolean(message.bot_id) || message.user === state.bot;
  const name = isBot ? "brm-bot" : personName(message.user);
  const where = { channel: message.channel, ts: message.ts };
  const body = el("div", { class: "message-body" });
  if (message.ephemeral) body.append(el("div", { class: "only-you" }, "👁 Only visible to you"));
  body.append(el("div", {}, el("span", { class: "sender" }, name), isBot ? el("span", { class: "app-badge" }, "APP") : null,
    el("span", { class: "time" }, formatDate(Number(message.ts), true))));
  if (message.thread_ts && message.thread_ts !== message.ts) body.append(el("div", { class: "only-you" }, "↳ replied in a thread"));
  if (message.blocks && message.blocks.length) body.append(...renderBlocks(message.blocks, where));
  else body.append(el("div", { class: "text", html: mrkdwn(message.text) }));
  if (message.attachments && message.attachments.length) body.append(cannotDraw("message attachments (the bot sends Block Kit)"));
  if (message.edited) body.append(el("span", { class: "time" }, "(edited)"));
  const reactions = el("div", { class: "reactions" }, (message.reactions || []).map((r) => el("button", {
    type: "button", class: `reaction${r.users.includes(state.you) ? " mine" : ""}`, "data-reaction": r.name,
    title: r.users.map(personName).join(", "), onclick: () => send("react", { ...where, name: r.name }),
  }, `${EMOJI[r.name] || `:${r.name}:`} ${r.count}`)));
  body.append(reactions);
  if (message.ephemeral) body.append(el("button", { type: "button", class: "icon", onclick: () => send("dismiss", where) }, "Dismiss"));
  const node = el("div", { class: `message${message.ephemeral ? " ephemeral" : ""}`, "data-ts": message.ts },
    el("div", { class: `avatar${isBot ? " bot" : ""}`, "aria-hidden": "true" }, name[0].toUpperCase()), body);
  if (!message.ephemeral) node.append(messageTools(message, where));
  return node;
}

function messageTools(message, where) {
  const tools = el("div", { class: "message-tools" });
  const menu = (content) => {
    document.querySelectorAll(".message .menu").forEach((m) => m.remove());
    const box = el("div", { class: content.emoji ? "menu emoji-menu" : "menu", style: "right: 0; top: 28px" }, content.items);
    tools.classList.add("open");
    tools.append(box);
    setTimeout(() => document.addEventListener("click", () => { box.remove(); tools.classList.remove("open"); }, { once: true }), 0);
  };
  tools.append(el("button", { type: "button", class: "icon add-reaction", title: "Add reaction", "aria-label": "Add reaction",
    onclick: () => menu({ emoji: true, items: REACTION_CHOICES.map((name) => el("button", {
      type: "button", title: `:${name}:`, "data-emoji": name, onclick: () => send("react", { ...where, name }),
    }, EMOJI[name])) }) }, "☺+"));
  tools.append(el("button", { type: "button", class: "icon more-actions", title: "More actions", "aria-label": "More actions",
    onclick: () => menu({ items: state.shortcuts.filter((s) => s.type === "message").map((s) => el("button", {
      type: "button", "data-shortcut": s.callback_id, title: s.description,
      onclick: () => send("shortcut", { ...where, callback_id: s.callback_id }),
    }, s.name)) }) }, "⋮"));
  return tools;
}

function drawModal() {
  const view = state.modal;
  $("modal-backdrop").hidden = !view;
  if (!view) { drawnModal = null; modalErrors = {}; return; }
  const key = `${view.id}:${view.hash}`;
  if (drawnModal === key) return; // the person may be typing: keep what is on screen
  drawnModal = key;
  $("modal-title").innerHTML = textObject(view.title);
  $("modal-submit").hidden = !view.submit;
  if (view.submit) $("modal-submit").innerHTML = textObject(view.submit);
  $("modal-close").innerHTML = view.close ? textObject(view.close) : "Cancel";
  $("modal-body").replaceChildren(...renderBlocks(view.blocks, { view_id: view.id }));
}

// ------------------------------------------------------------------ wiring

$("composer").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = $("composer-text");
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  if (current === state.channels.find((c) => c.is_im).id && tab === "home") open(current, "messages");
  if (text.startsWith("/")) {
    if (!/^\/brm(\s|$)/.test(text)) { notice(`${text.split(" ")[0]} is not a command here; the bot's is /brm`); return; }
    await send("command", { channel: current, text });
  } else {
    await send("message", { channel: current, text });
  }
});

$("global-shortcuts").addEventListener("click", (event) => {
  event.stopPropagation();
  const menu = $("shortcut-menu");
  menu.replaceChildren(...state.shortcuts.filter((s) => s.type === "global").map((s) => el("button", {
    type: "button", "data-shortcut": s.callback_id, onclick: () => { menu.hidden = true; send("shortcut", { callback_id: s.callback_id }); },
  }, s.name)));
  menu.hidden = !menu.hidden;
});
document.addEventListener("click", (event) => { if (!$("shortcut-menu").contains(event.target)) $("shortcut-menu").hidden = true; });

for (const button of document.querySelectorAll("[data-clock]")) {
  button.addEventListener("click", () => send("clock", { to: button.dataset.clock }));
}
$("tab-home").addEventListener("click", () => open(current, "home"));
$("tab-messages").addEventListener("click", () => open(current, "messages"));

$("modal-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const view = state.modal;
  const values = readValues($("modal-body"));
  // As Slack does, a required field left empty is pointed out before anything is sent.
  const missing = {};
  for (const block of view.blocks.filter((b) => b.type === "input" && !b.optional)) {
    const entry = Object.values(values[block.block_id] || {})[0] || {};
    const given = Object.entries(entry).some(([key, value]) => key !== "type" && value !== null && value !== "" &&
      !(Array.isArray(value) && value.length === 0));
    if (!given) missing[block.block_id] = "Please fill out this required field.";
  }
  if (Object.keys(missing).length) { modalErrors = missing; drawnModal = null; keepEntered(() => drawModal()); return; }
  const answer = await send("submit", { view_id: view.id, values });
  modalErrors = answer.errors || {};
  if (answer.errors) { drawnModal = null; keepEntered(() => drawModal()); }
});
const closeModal = () => { if (state.modal) send("close", { view_id: state.modal.id }); };
$("modal-close").addEventListener("click", closeModal);
$("modal-x").addEventListener("click", closeModal);

function keepEntered(redraw) {
  // Redraw the form with its errors, keeping what the person typed and chose.
  const body = $("modal-body");
  const kept = [...body.querySelectorAll("input, textarea, select")].map((n) => [n.value, n.multiple ? [...n.options].map((o) => o.selected) : null]);
  const chosen = [...body.querySelectorAll(".suggest")].map((n) => n._chosen);
  redraw();
  [...body.querySelectorAll("input, textarea, select")].forEach((n, i) => {
    if (!kept[i]) return;
    n.value = kept[i][0];
    if (kept[i][1]) [...n.options].forEach((o, j) => { o.selected = kept[i][1][j]; });
  });
  [...body.querySelectorAll(".suggest")].forEach((n, i) => { n._chosen = chosen[i]; });
}

poll();
