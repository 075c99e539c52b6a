// The ccotel dashboard: reads the summary (CONTRACT §5), usage records (§4) and status (§8) of this origin with
// a read token kept in sessionStorage, and draws them. Plain script, no build step; uPlot draws the
// charts. body[data-state] is "loading", "ready" or "error"; body[data-view] names what is shown;
// body[data-access] is the token's read view (CONTRACT §7): "full", "pseudonymous" or "aggregate".
"use strict";
(function () {
  const TOKEN_KEY = "ccotel.readToken";
  const SUMMARY = "api/usage/claude_code/summary";
  const USAGE = "api/usage/claude_code";
  const STATUS = "api/usage/claude_code/status";
  const STALE_MS = 3600000; // an hour without an export is worth a banner; Claude Code sends every minute
  const DAY_MS = 86400000;
  const COST_UNIT = 1e7; // costs are summed as integers of 1e-7 cent, the API's precision
  const numbers = new Intl.NumberFormat();
  const dollars = new Intl.NumberFormat(undefined, { style: "currency", currency: "USD" });
  const percent = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });
  const $ = (id) => document.getElementById(id);
  const state = { token: null, view: "full", from: null, to: null, team: "", summary: null, previous: null, status: null,
                  teams: null, sort: { key: "cost", descending: true }, loads: 0 };

  // ---- start: the fragment's token and range, then the token in this tab's sessionStorage
  function start() {
    takeFragment();
    state.token = sessionStorage.getItem(TOKEN_KEY);
    $("token-form").addEventListener("submit", (event) => {
      event.preventDefault();
      useToken($("token").value.trim());
    });
    $("sign-out").addEventListener("click", () => {
      sessionStorage.removeItem(TOKEN_KEY);
      state.token = null;
      signIn();
    });
    $("range").addEventListener("change", () => {
      $("custom-range").hidden = $("range").value !== "custom";
      if ($("range").value !== "custom") setLastDays(Number($("range").value));
      else { $("from").value = state.from; $("to").value = state.to; }
      load();
    });
    for (const id of ["from", "to"]) $(id).addEventListener("change", () => {
      if ($("from").value && $("to").value) { state.from = $("from").value; state.to = $("to").value; load(); }
    });
    $("team").addEventListener("change", () => { state.team = $("team").value; load(); });
    $("user").addEventListener("change", () => {
      location.hash = $("user").value ? "user=" + encodeURIComponent($("user").value) : "";
    });
    $("download-csv").addEventListener("click", downloadCsv);
    $("filters").addEventListener("submit", (event) => event.preventDefault()); // Enter in a field
    window.addEventListener("hashchange", () => {
      if (takeFragment()) load(); else render();
    });
    if (!state.from) setLastDays(30);
    if (state.token) load(); else signIn();
  }

  /** Reads #token=…&from=…&to=… and removes it from the address bar at once. */
  function takeFragment() {
    const fragment = new URLSearchParams(location.hash.slice(1));
    if (!fragment.has("token") && !fragment.has("from")) return false;
    history.replaceState(null, "", location.pathname + location.search);
    if (fragment.get("token")) sessionStorage.setItem(TOKEN_KEY, fragment.get("token"));
    state.token = sessionStorage.getItem(TOKEN_KEY);
    const from = fragment.get("from"), to = fragment.get("to");
    if (isDate(from)) {
      state.from = from;
      state.to = isDate(to) ? to : utcDay(new Date());
      $("range").value = "custom";
      $("custom-range").hidden = false;
      $("from").value = state.from;
      $("to").value = state.to;
    }
    return true;
  }

  function useToken(token) {
    if (!token) return;
    sessionStorage.setItem(TOKEN_KEY, token);
    state.token = token;
    $("token").value = "";
    load();
  }

  function signIn(message) {
    $("sign-in").hidden = false;
    $("dashboard").hidden = true;
    showMessage(message);
    document.body.dataset.state = message ? "error" : "signed-out";
  }

  function showMessage(text) {
    $("message").hidden = !text;
    $("message").textContent = text || "";
  }

  function setLastDays(days) {
    const today = new Date();
    state.to = utcDay(today);
    state.from = utcDay(new Date(today.getTime() - (days - 1) * DAY_MS));
  }

  // ---- loading: this range's summary and the previous range's of the same length
  async function load() {
    const ticket = ++state.loads;
    document.body.dataset.state = "loading";
    const days = dayCount(state.from, state.to);
    const previousTo = addDays(state.from, -1);
    try {
      const [summary, previous, status] = await Promise.all([
        api(summaryUrl(state.from, state.to)), api(summaryUrl(addDays(previousTo, 1 - days), previousTo)),
        // The status is a help, not the page: a server without it still shows the usage.
        api(STATUS).catch((failure) => failure.status === 401 || failure.status === 403 ? Promise.reject(failure) : null)]);
      if (ticket !== state.loads) return; // a later choice won
      state.summary = summary;
      state.view = summary.view || "full"; // a server before read views answers every token in full
      state.previous = previous;
      state.status = status;
      if (!state.team) state.teams = summary.by_team.map((t) => t.team).filter((t) => t !== null);
      $("sign-in").hidden = true;
      $("dashboard").hidden = false;
      showMessage("");
      await render();
    } catch (failure) {
      if (ticket !== state.loads) return;
      if (failure.status === 401 || failure.status === 403) {
        sessionStorage.removeItem(TOKEN_KEY);
        state.token = null;
        signIn(failure.message);
      } else {
        showMessage(failure.message);
        document.body.dataset.state = "error";
      }
    }
  }

  function summaryUrl(from, to) {
    const query = new URLSearchParams({ starting_at: from, ending_at: to });
    if (state.team) query.set("team", state.team);
    return SUMMARY + "?" + query;
  }

  async function api(url, accept) {
    const response = await fetch(url, {
      headers: { Authorization: "Bearer " + state.token, Accept: accept || "application/json" },
      cache: "no-store",
    });
    if (response.ok) return accept ? response : response.json();
    let detail = "";
    try { detail = (await response.json()).error.message; } catch (e) { /* not our JSON */ }
    const error = new Error(explain(response.status, detail));
    error.status = response.status;
    throw error;
  }

  function explain(status, detail) {
    if (status === 401) return "This read token was refused: it is wrong, or it has been revoked or " +
      "rotated. Enter the connection's current read token (ccotel_read_…).";
    if (status === 403) return "This token may not read usage: it is an ingest token, the one Claude " +
      "Code sends data with. Enter the connection's read token (ccotel_read_…) instead.";
    if (status === 503 || status === 429) return "ccotel is busy or starting; reload in a moment.";
    return "The usage could not be read (" + status + "): " + (detail || "no detail");
  }

  // ---- what is shown: the organisation, or one user (#user=…)
  async function render() {
    const summary = state.summary;
    const aggregate = state.view === "aggregate";
    // An aggregate token has no users (§4 answers it 403): a #user=… of another token is ignored.
    const user = aggregate ? null : new URLSearchParams(location.hash.slice(1)).get("user");
    $("view-note").hidden = !aggregate;
    $("users").hidden = aggregate;
    $("user-filter").hidden = aggregate;
    $("download-csv").hidden = aggregate;
    $("users-title").textContent = state.view === "pseudonymous" ? "Users (pseudonymous)" : "Users";
    $("range-text").textContent = longDate(state.from) + " – " + longDate(state.to) +
      " (UTC days)" + (state.team ? ", team " + state.team : "");
    renderLastExport(summary.last_export_at);
    renderStatus(state.status);
    renderFilters(summary, user);
    const empty = summary.totals.active_users === 0;
    $("empty").hidden = !empty;
    if (empty) $("settings-shape").textContent = settingsShape();
    $("organisation").hidden = empty || !!user;
    $("user-view").hidden = !user;
    if (user) await renderUser(user);
    else if (!empty) renderOrganisation(summary, state.previous);
    document.body.dataset.view = [state.from, state.to, state.team, user || ""].join("|");
    document.body.dataset.access = state.view;
    document.body.dataset.state = "ready";
  }

  function renderLastExport(at) {
    const line = $("last-export");
    line.hidden = at === undefined;
    if (at === null) line.textContent = "No export received yet.";
    else if (at) {
      line.textContent = "Last export received: " + new Date(at).toLocaleString();
      line.title = at;
    }
  }

  /** The freshness banner and the silent roster members, from the status (CONTRACT §8). */
  function renderStatus(status) {
    const banner = $("freshness");
    const age = status && status.last_export_at ? Date.now() - Date.parse(status.last_export_at) : null;
    banner.hidden = !status || (age !== null && age < STALE_MS);
    if (!banner.hidden) {
      banner.textContent = age === null ? "No export has been received yet: is Claude Code configured to send here?"
        : "No export for " + duration(age) + ": Claude Code has stopped sending, or its exports are refused.";
      banner.title = status.last_export_at || "";
    }
    if (status) {
      $("last-export").textContent += " · " + numbers.format(status.exports_last_24h) + " exports in the last 24 h · " +
        numbers.format(status.active_users_last_7d) + " active users in the last 7 days";
    }
    // Each member by what this token's view may show: an e-mail only in full, else the pseudonym;
    // a member with neither is left out rather than shown under a name the view hides.
    const name = (u) => state.view === "full" ? u.email || u.pseudonym : state.view === "pseudonymous" ? u.pseudonym : null;
    const silent = status && Array.isArray(status.silent_users) ? status.silent_users.filter(name) : [];
    $("silent").hidden = silent.length === 0;
    table($("silent-table"), [
      text("email", actorLabel(), name),
      text("team", "Team", (u) => u.team === null || u.team === undefined ? "" : u.team),
      text("last", "Last active", (u) => u.last_active ? longDate(u.last_active) : "never")], silent);
  }

  /** A rough age for people: minutes, hours or days. */
  function duration(ms) {
    const minutes = Math.floor(ms / 60000);
    if (minutes < 120) return minutes + " min";
    const hours = Math.floor(minutes / 60);
    return hours < 48 ? hours + " h" : Math.floor(hours / 24) + " days";
  }

  function renderFilters(summary, user) {
    const teams = [["", "All teams"]].concat((state.teams || []).map((t) => [t, t]));
    options($("team"), teams, state.team);
    const users = [["", "All users"]].concat((summary.by_user || []).map((u) => [actorKey(u.actor), actorKey(u.actor)]));
    options($("user"), users, user || "");
  }

  function options(select, values, selected) {
    select.replaceChildren(...values.map(([value, label]) => new Option(label, value, false, value === selected)));
  }

  function renderOrganisation(summary, previous) {
    $("kpi-compare").textContent = "(change against the " + dayCount(state.from, state.to) + " days before)";
    kpis($("kpis"), [
      ["active-users", "Active users", count(summary.totals.active_users), previous.totals.active_users],
      ["sessions", "Sessions", count(summary.totals.num_sessions), previous.totals.num_sessions],
      ["lines-added", "Lines added", count(summary.totals.lines_added), previous.totals.lines_added],
      ["lines-removed", "Lines removed", count(summary.totals.lines_removed), previous.totals.lines_removed],
      ["commits", "Commits", count(summary.totals.commits), previous.totals.commits],
      ["pull-requests", "Pull requests", count(summary.totals.pull_requests), previous.totals.pull_requests],
      ["accept-rate", "Edit accept rate", rate(summary.totals.edit_decisions), acceptRate(previous.totals.edit_decisions)],
      ["cost", "Cost", cost(summary.totals.estimated_cost.amount), previous.totals.estimated_cost.amount],
      ["cost-per-user", "Cost per active user", perUser(summary.totals), perUser(previous.totals).value],
    ]);
    charts(summary.by_day);
    table($("days-table"), dayColumns(), summary.by_day);
    if (summary.by_user) usersTable(summary.by_user); // absent for an aggregate token
    table($("models-table"), modelColumns(), summary.by_model);
    table($("tools-table"), toolColumns(), summary.by_tool);
    table($("teams-table"), [
      text("team", "Team", (t) => t.team === null ? "(no team)" : t.team),
      number("active_users", "Active users", (t) => t.active_users),
      number("sessions", "Sessions", (t) => t.num_sessions),
      number("lines_added", "Lines added", (t) => t.lines_added),
      money("cost", "Cost", (t) => t.estimated_cost.amount)], summary.by_team);
    table($("terminals-table"), [
      text("terminal", "Terminal", (t) => t.terminal_type === null ? "(unknown)" : t.terminal_type),
      number("active_users", "Active users", (t) => t.active_users),
      number("sessions", "Sessions", (t) => t.num_sessions),
      money("cost", "Cost", (t) => t.estimated_cost.amount)], summary.by_terminal);
  }

  function usersTable(users) {
    const columns = [
      { key: "email", label: actorLabel(), text: true, sort: (u) => actorKey(u.actor),
        cell: (u) => link("#user=" + encodeURIComponent(actorKey(u.actor)), actorKey(u.actor)) },
      text("team", "Team", (u) => u.team === null || u.team === undefined ? "" : u.team),
      number("sessions", "Sessions", (u) => u.num_sessions),
      number("lines_added", "Lines added", (u) => u.lines_added),
      number("lines_removed", "Lines removed", (u) => u.lines_removed),
      number("commits", "Commits", (u) => u.commits),
      number("pull_requests", "PRs", (u) => u.pull_requests),
      { key: "accept_rate", label: "Accept rate", sort: (u) => acceptRate(u.edit_decisions) ?? -1,
        cell: (u) => rate(u.edit_decisions) },
      money("cost", "Cost", (u) => u.estimated_cost.amount),
      text("last_active", "Last active", (u) => u.last_active),
    ];
    const column = columns.find((c) => c.key === state.sort.key);
    const sorted = users.slice().sort((a, b) => compare(column.sort(a), column.sort(b)) * (state.sort.descending ? -1 : 1));
    table($("users-table"), columns, sorted, { sort: state.sort, onSort: (key) => {
      state.sort = { key, descending: state.sort.key === key ? !state.sort.descending : !columns.find((c) => c.key === key).text };
      usersTable(users);
      $("users-table").querySelector('th[data-key="' + key + '"] button').focus();
    } });
  }

  // ---- one user: that user's records of the range, from the usage API
  async function renderUser(key) {
    const records = (await usageRecords()).filter((r) => actorKey(r.actor) === key);
    const summaryRow = state.summary.by_user.find((u) => actorKey(u.actor) === key);
    $("user-title").textContent = key + (summaryRow && summaryRow.team ? " · team " + summaryRow.team : "");
    const day = records.map((r) => ({
      date: r.date.slice(0, 10), sessions: r.core_metrics.num_sessions,
      added: r.core_metrics.lines_of_code.added, removed: r.core_metrics.lines_of_code.removed,
      commits: r.core_metrics.commits_by_claude_code, prs: r.core_metrics.pull_requests_by_claude_code,
      prompts: r.ccotel ? r.ccotel.prompts : 0, decisions: editDecisions(r.tool_actions),
      cost: r.model_breakdown.reduce((sum, m) => sum + units(m.estimated_cost.amount), 0) }));
    const sum = (f) => day.reduce((s, d) => s + f(d), 0);
    const decisions = { accepted: sum((d) => d.decisions.accepted), rejected: sum((d) => d.decisions.rejected) };
    kpis($("user-kpis"), [
      ["active-days", "Active days", count(day.length)],
      ["sessions", "Sessions", count(sum((d) => d.sessions))],
      ["lines-added", "Lines added", count(sum((d) => d.added))],
      ["lines-removed", "Lines removed", count(sum((d) => d.removed))],
      ["commits", "Commits", count(sum((d) => d.commits))],
      ["pull-requests", "Pull requests", count(sum((d) => d.prs))],
      ["accept-rate", "Edit accept rate", rate(decisions)],
      ["cost", "Cost", cost(sum((d) => d.cost) / COST_UNIT)],
    ]);
    table($("user-days-table"), [
      text("date", "Date", (d) => d.date), number("sessions", "Sessions", (d) => d.sessions),
      number("added", "Lines added", (d) => d.added), number("removed", "Lines removed", (d) => d.removed),
      number("commits", "Commits", (d) => d.commits), number("prs", "PRs", (d) => d.prs),
      number("prompts", "Prompts", (d) => d.prompts),
      { key: "rate", label: "Accept rate", cell: (d) => rate(d.decisions) },
      money("cost", "Cost", (d) => d.cost / COST_UNIT)], day);
    const models = new Map();
    for (const r of records) for (const m of r.model_breakdown) {
      const total = models.get(m.model) || { model: m.model, tokens: { input: 0, output: 0, cache_read: 0, cache_creation: 0 },
                                             api_requests: 0, cost: 0 };
      for (const kind of Object.keys(total.tokens)) total.tokens[kind] += m.tokens[kind];
      total.api_requests += r.ccotel && r.ccotel.api_requests ? r.ccotel.api_requests[m.model] || 0 : 0;
      total.cost += units(m.estimated_cost.amount);
      models.set(m.model, total);
    }
    const modelRows = [...models.values()].map((m) => Object.assign(m, { estimated_cost: { amount: m.cost / COST_UNIT } }));
    table($("user-models-table"), modelColumns(), modelRows);
    const tools = new Map();
    for (const r of records) for (const [tool, d] of Object.entries((r.ccotel && r.ccotel.tool_decisions) || {})) {
      const total = tools.get(tool) || { tool, accepted: 0, rejected: 0 };
      total.accepted += d.accepted;
      total.rejected += d.rejected;
      tools.set(tool, total);
    }
    table($("user-tools-table"), toolColumns(), [...tools.values()].sort((a, b) => compare(a.tool, b.tool)));
  }

  /** Every record of the range, following next_page. */
  async function usageRecords() {
    const records = [];
    let page = null;
    do {
      const query = new URLSearchParams({ starting_at: state.from, ending_at: state.to, limit: "1000" });
      if (page) query.set("page", page);
      const answer = await api(USAGE + "?" + query);
      records.push(...answer.data);
      page = answer.has_more ? answer.next_page : null;
    } while (page);
    return records;
  }

  // ---- Download CSV: the usage API's CSV of the range, all pages, limited to what is shown
  async function downloadCsv() {
    const user = new URLSearchParams(location.hash.slice(1)).get("user");
    const shown = user ? new Set([user]) : state.team ? new Set(state.summary.by_user.map((u) => actorKey(u.actor))) : null;
    let csv = "";
    let page = null;
    try {
      do {
        const query = new URLSearchParams({ starting_at: state.from, ending_at: state.to, limit: "1000" });
        if (page) query.set("page", page);
        const response = await api(USAGE + "?" + query, "text/csv");
        const lines = (await response.text()).split("\r\n").filter((line) => line !== "");
        if (!csv) csv = lines[0] + "\r\n";
        // The actor's columns by the header: full has actor_email,actor_user_id; pseudonymous has pseudonym.
        const header = csvFields(lines[0], Infinity);
        const columns = ["actor_email", "actor_user_id", "pseudonym"].map((c) => header.indexOf(c)).filter((i) => i >= 0);
        const width = Math.max(...columns) + 1;
        for (const line of lines.slice(1)) {
          const fields = csvFields(line, width);
          const actor = columns.map((i) => fields[i]).find((value) => value) || "";
          if (!shown || shown.has(actor)) csv += line + "\r\n";
        }
        page = response.headers.get("X-Next-Page");
      } while (page);
    } catch (failure) {
      showMessage(failure.message);
      return;
    }
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
    link.download = "claude-code-usage-" + state.from + "-to-" + state.to +
      (state.team ? "-" + state.team.replace(/[^\w.-]+/g, "_") : "") + (user ? "-" + user.replace(/[^\w.@-]+/g, "_") : "") + ".csv";
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  }

  /** The first n fields of an RFC 4180 line (the CSV's actor columns are among them). */
  function csvFields(line, n) {
    const fields = [];
    let i = 0;
    while (fields.length < n && i <= line.length) {
      let value = "";
      if (line[i] === '"') {
        i++;
        while (i < line.length && !(line[i] === '"' && line[i + 1] !== '"')) {
          value += line[i];
          i += line[i] === '"' ? 2 : 1;
        }
        i += 2;
      } else {
        const comma = line.indexOf(",", i);
        value = line.slice(i, comma < 0 ? line.length : comma);
        i = comma < 0 ? line.length + 1 : comma + 1;
      }
      fields.push(value);
    }
    return fields;
  }

  // ---- panels
  function kpis(container, list) {
    container.replaceChildren(...list.map(([id, label, shown, before]) => {
      const box = element("div", { class: "kpi", "data-kpi": id });
      box.append(element("h3", {}, label));
      box.append(element("p", { class: "value", title: shown.title, "data-value": shown.value }, shown.text));
      if (before !== undefined) box.append(change(shown.value, before, id === "accept-rate"));
      return box;
    }));
  }

  function change(now, before, isRate) {
    const line = element("p", { class: "change" });
    if (now === null || before === null || before === undefined) line.textContent = "no earlier figure";
    else if (isRate) {
      const points = (now - before) * 100;
      line.textContent = (points >= 0 ? "+" : "") + numbers.format(Math.round(points * 10) / 10) + " points";
    } else if (before === 0) line.textContent = now === 0 ? "no change" : "new (none before)";
    else {
      const ratio = (now - before) / before;
      line.textContent = (ratio >= 0 ? "+" : "") + percent.format(ratio);
      line.classList.add(ratio > 0 ? "up" : ratio < 0 ? "down" : "same");
    }
    line.title = "previous period: " + (before === null || before === undefined ? "none" : before);
    return line;
  }

  function charts(days) {
    if (typeof uPlot === "undefined") return;
    const x = days.map((d) => Date.parse(d.date + "T00:00:00Z") / 1000);
    chart($("chart-users"), x, [{ label: "Active users", data: days.map((d) => d.active_users), stroke: "#0b4f9c" }]);
    chart($("chart-cost"), x, [{ label: "Cost (USD)", data: days.map((d) => d.estimated_cost.amount / 100), stroke: "#8a3b00",
                                 format: (v) => dollars.format(v) }]);
    chart($("chart-lines"), x, [{ label: "Lines added", data: days.map((d) => d.lines_added), stroke: "#1d6b2f" },
                                { label: "Lines removed", data: days.map((d) => d.lines_removed), stroke: "#a3141b" }]);
  }

  function chart(target, x, series) {
    target.replaceChildren();
    const format = series[0].format || ((v) => numbers.format(v));
    new uPlot({
      width: Math.max(300, target.clientWidth || 360), height: 200,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      scales: { x: { time: true } },
      axes: [{}, { values: (u, ticks) => ticks.map(format), size: 70 }],
      series: [{ label: "Day" }].concat(series.map((s) => ({ label: s.label, stroke: s.stroke, width: 2,
        value: (u, v) => v === null || v === undefined ? "–" : format(v) }))),
    }, [x].concat(series.map((s) => s.data)), target);
  }

  function dayColumns() {
    return [text("date", "Date", (d) => d.date), number("active_users", "Active users", (d) => d.active_users),
      number("sessions", "Sessions", (d) => d.num_sessions), number("lines_added", "Lines added", (d) => d.lines_added),
      number("lines_removed", "Lines removed", (d) => d.lines_removed), number("commits", "Commits", (d) => d.commits),
      number("pull_requests", "PRs", (d) => d.pull_requests),
      { key: "rate", label: "Accept rate", cell: (d) => rate(d.edit_decisions) },
      money("cost", "Cost", (d) => d.estimated_cost.amount)];
  }

  function modelColumns() {
    return [text("model", "Model", (m) => m.model), number("input", "Input tokens", (m) => m.tokens.input),
      number("output", "Output tokens", (m) => m.tokens.output), number("cache_read", "Cache read", (m) => m.tokens.cache_read),
      number("cache_creation", "Cache creation", (m) => m.tokens.cache_creation),
      { key: "cache_share", label: "Cache-read share", cell: (m) => share(m.tokens) },
      number("api_requests", "API requests", (m) => m.api_requests), money("cost", "Cost", (m) => m.estimated_cost.amount)];
  }

  function toolColumns() {
    return [text("tool", "Tool", (t) => t.tool), number("accepted", "Accepted", (t) => t.accepted),
      number("rejected", "Rejected", (t) => t.rejected), { key: "rate", label: "Accept rate", cell: (t) => rate(t) }];
  }

  /** A table; with options.sort, headers are buttons that sort it (aria-sort says how). */
  function table(target, columns, rows, options) {
    options = options || {};
    const head = element("tr");
    for (const column of columns) {
      const th = element("th", { scope: "col", "data-key": column.key, class: column.text ? "text" : "" });
      if (options.onSort) {
        const button = element("button", { type: "button" }, column.label);
        button.addEventListener("click", () => options.onSort(column.key));
        th.append(button);
        th.setAttribute("aria-sort", options.sort.key === column.key ? (options.sort.descending ? "descending" : "ascending") : "none");
      } else th.textContent = column.label;
      head.append(th);
    }
    const body = element("tbody");
    for (const row of rows) {
      const tr = element("tr");
      for (const column of columns) tr.append(cell(column.cell(row), column.text));
      body.append(tr);
    }
    if (rows.length === 0) body.append(element("tr", {}, element("td", { colspan: columns.length, class: "text" }, "None in this range.")));
    target.replaceChildren(element("thead", {}, head), body);
  }

  function cell(content, isText) {
    const td = element("td", { class: isText ? "text" : "" });
    if (content instanceof Node) td.append(content);
    else {
      td.textContent = content.text;
      if (content.title) td.title = content.title;
      if (content.value !== undefined && content.value !== null) td.dataset.value = content.value;
    }
    return td;
  }

  // ---- columns and figures: text shown in the reader's locale, the exact value in the title
  function text(key, label, get) { return { key, label, text: true, sort: get, cell: (r) => ({ text: get(r) }) }; }
  function number(key, label, get) { return { key, label, sort: get, cell: (r) => count(get(r)) }; }
  function money(key, label, get) { return { key, label, sort: get, cell: (r) => cost(get(r)) }; }

  function count(n) { return { text: numbers.format(n), title: String(n), value: n }; }

  /** Cents (the API's unit) shown as dollars; the title has the exact amount. */
  function cost(cents) {
    const exact = (Math.round(cents * COST_UNIT) / COST_UNIT / 100).toFixed(9).replace(/\.?0+$/, "");
    return { text: dollars.format(cents / 100), title: "USD " + exact, value: cents };
  }

  function perUser(totals) {
    if (totals.active_users === 0) return { text: "–", title: "no active users", value: null };
    const shown = cost(totals.estimated_cost.amount / totals.active_users);
    shown.title += " (" + totals.estimated_cost.amount + " cents / " + totals.active_users + " users)";
    return shown;
  }

  /** Accepted / (accepted + rejected) edit decisions; null when none were made. */
  function acceptRate(decisions) {
    const all = decisions.accepted + decisions.rejected;
    return all === 0 ? null : decisions.accepted / all;
  }

  function rate(decisions) {
    const value = acceptRate(decisions);
    return { text: value === null ? "–" : percent.format(value), value,
             title: decisions.accepted + " accepted of " + (decisions.accepted + decisions.rejected) + " decisions" };
  }

  /** Of the input-side tokens (input, cache read, cache creation), the part read from cache. */
  function share(tokens) {
    const all = tokens.input + tokens.cache_read + tokens.cache_creation;
    return all === 0 ? { text: "–", title: "no input tokens" }
      : { text: percent.format(tokens.cache_read / all), title: tokens.cache_read + " of " + all + " input-side tokens" };
  }

  function editDecisions(actions) {
    const total = { accepted: 0, rejected: 0 };
    for (const tool of Object.values(actions)) { total.accepted += tool.accepted; total.rejected += tool.rejected; }
    return total;
  }

  function settingsShape() {
    return JSON.stringify({ env: {
      CLAUDE_CODE_ENABLE_TELEMETRY: "1", OTEL_METRICS_EXPORTER: "otlp", OTEL_LOGS_EXPORTER: "otlp",
      // ccotel's default export intervals (ExportIntervals.DEFAULT): 5 minutes each.
      OTEL_METRIC_EXPORT_INTERVAL: "300000", OTEL_LOGS_EXPORT_INTERVAL: "300000",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
      OTEL_EXPORTER_OTLP_ENDPOINT: new URL("api/otel", location.href).href,
      OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Bearer <ingest token>",
      OTEL_RESOURCE_ATTRIBUTES: "user.email=you@example.com,user.name=First%20Last" } }, null, 2);
  }

  // ---- small helpers
  function actorLabel() { return state.view === "pseudonymous" ? "Pseudonym" : "E-mail"; }
  function actorKey(actor) { return actor.email_address || actor.user_id || actor.pseudonym || ""; }
  function units(cents) { return Math.round(cents * COST_UNIT); }
  function compare(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
  function isDate(value) { return /^\d{4}-\d{2}-\d{2}$/.test(value || "") && !isNaN(Date.parse(value)); }
  function utcDay(date) { return date.toISOString().slice(0, 10); }
  function addDays(day, n) { return utcDay(new Date(Date.parse(day + "T00:00:00Z") + n * DAY_MS)); }
  function dayCount(from, to) { return Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS) + 1; }
  function longDate(day) {
    return new Date(day + "T00:00:00Z").toLocaleDateString(undefined, { timeZone: "UTC", dateStyle: "medium" });
  }
  function link(href, label) { return element("a", { href }, label); }
  function element(name, attributes, ...children) {
    const node = document.createElement(name);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (value !== "" && value !== null && value !== undefined) node.setAttribute(key, value);
    }
    node.append(...children);
    return node;
  }

  start();
})();
