// portsleuth HTML report: sortable and filterable tables, and the paged per-source list.
// Data comes from the JSON block #ps-data and reaches the page only through textContent and
// createElement, never as markup: log fields are attacker-controlled.
(function () {
  'use strict'
  document.documentElement.classList.add('js')
  var collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' })
  var fmt = new Intl.NumberFormat('en-US')

  function el(tag, cls, text) {
    var e = document.createElement(tag)
    if (cls) e.className = cls
    if (text !== undefined && text !== null) e.textContent = String(text)
    return e
  }

  // Sorts addresses as addresses, not text: IPv4 octets and IPv6 groups padded to a fixed width,
  // '::' expanded (so 10.0.0.9 < 10.0.0.10 and fd77::9 < fd77::a < fd77::1:0).
  function ipKey(ip) {
    if (ip.indexOf(':') < 0) return '4' + ip.split('.').map(function (o) { return ('000' + o).slice(-3) }).join('.')
    var halves = ip.split('::')
    var head = halves[0] ? halves[0].split(':') : []
    var tail = halves.length > 1 && halves[1] ? halves[1].split(':') : []
    var fill = []
    for (var i = head.length + tail.length; halves.length > 1 && i < 8; i++) fill.push('0')
    return '6' + head.concat(fill, tail).map(function (g) { return ('0000' + g).slice(-4) }).join(':')
  }

  // ---- static tables: click a header to sort, type in a box to filter ----

  function headerButtons(table, onClick) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      var b = el('button')
      b.type = 'button'
      while (th.firstChild) b.appendChild(th.firstChild)
      th.appendChild(b)
      b.addEventListener('click', function () { onClick(th) })
    })
  }

  function nextDirection(table, th, numeric) {
    var now = th.getAttribute('aria-sort')
    var dir = now === 'descending' ? 'ascending' : now === 'ascending' ? 'descending' : numeric ? 'descending' : 'ascending'
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute('aria-sort') })
    th.setAttribute('aria-sort', dir)
    return dir === 'ascending' ? 1 : -1
  }

  function sortStatic(table, th) {
    var i = th.cellIndex
    var type = th.dataset.type
    var numeric = type === 'num'
    var sign = nextDirection(table, th, numeric)
    var body = table.tBodies[0]
    var rows = Array.prototype.slice.call(body.rows)
    var value = function (r) {
      var c = r.cells[i]
      var v = c.dataset.v !== undefined ? c.dataset.v : c.textContent.trim()
      return numeric ? Number(v) : type === 'ip' ? ipKey(v) : v
    }
    rows.sort(function (a, b) {
      var x = value(a), y = value(b)
      return sign * (numeric ? x - y : type === 'ip' ? (x < y ? -1 : x > y ? 1 : 0) : collator.compare(x, y))
    })
    rows.forEach(function (r) { body.appendChild(r) })
  }

  function sortable(table) {
    headerButtons(table, function (th) { sortStatic(table, th) })
  }

  // The source list's static detail tables are replaced by the script's own below.
  document.querySelectorAll('table[data-sortable]').forEach(function (table) {
    if (!table.closest('#t-sources')) sortable(table)
  })

  document.querySelectorAll('input[data-filter]').forEach(function (input) {
    var table = document.getElementById(input.dataset.filter)
    var shown = document.querySelector('[data-shown-for="' + input.dataset.filter + '"]')
    input.addEventListener('input', function () {
      var q = input.value.trim().toLowerCase()
      var rows = table.tBodies[0].rows
      var n = 0
      Array.prototype.forEach.call(rows, function (r) {
        var hit = q === '' || r.textContent.toLowerCase().indexOf(q) >= 0
        r.hidden = !hit
        if (hit) n++
      })
      shown.textContent = q === '' ? '' : n + ' of ' + rows.length + ' rows'
    })
  })

  // ---- all sources: paged, sorted and filtered from the JSON block ----

  var data = document.getElementById('ps-data')
  var table = document.getElementById('t-sources')
  if (!data || !table) return
  var parsed = JSON.parse(data.textContent)
  var all = parsed.sources
  all.forEach(function (s, i) { s.order = i })
  var NUMERIC = { dl: true, pk: true, nd: true, sig: true, first: true, last: true }
  var state = { view: all, key: null, sign: 1, page: 0, size: 50, query: '', minDl: 0, open: Object.create(null) }
  var body = table.tBodies[0]
  var status = document.getElementById('src-status')
  var pageLabel = document.getElementById('src-page')

  // Times travel as whole seconds after t0 (smaller file); shown in UTC like the rest of the page.
  function time(t) {
    return t === null ? '' : new Date(parsed.t0 + t * 1000).toISOString().slice(0, 19).replace('T', ' ')
  }

  function sortValue(s, key) {
    switch (key) {
      case 'ip': return s.ipKey || (s.ipKey = ipKey(s.ip))
      case 'scan': return s.scan.join(', ')
      case 'sig': return s.sig.length
      case 'first': case 'last': return s[key] === null ? -Infinity : s[key]
      default: return s[key]
    }
  }

  function searchText(s) {
    if (s.text === undefined) {
      var parts = [s.ip, s.dns, s.scan.join(' '), s.nmap.join(' '), 'dl' + s.dl, s.os.join(' ')]
      s.prefixes.forEach(function (p) { parts.push(p[0]) })
      s.sig.forEach(function (g) { parts.push(g[0], g[2]) })
      s.fnd.forEach(function (f) { parts.push(f[0]) })
      s.dst.forEach(function (d) { parts.push(d[0]) })
      s.text = parts.join('\n').toLowerCase()
    }
    return s.text
  }

  function recompute() {
    var q = state.query
    var view = all.filter(function (s) { return s.dl >= state.minDl && (q === '' || searchText(s).indexOf(q) >= 0) })
    if (state.key !== null) {
      var key = state.key, sign = state.sign, numeric = NUMERIC[key] === true
      view.sort(function (a, b) {
        var x = sortValue(a, key), y = sortValue(b, key)
        var c = numeric ? x - y : x < y ? -1 : x > y ? 1 : 0
        return sign * c || a.order - b.order
      })
    }
    state.view = view
  }

  function facts(list, rows) {
    rows.forEach(function (r) {
      if (r[1] === null) return
      list.appendChild(el('dt', null, r[0]))
      var dd = el('dd')
      if (typeof r[1] === 'string') dd.textContent = r[1]
      else dd.appendChild(r[1])
      list.appendChild(dd)
    })
  }

  function chips(pairs) {
    if (pairs.length === 0) return null
    var span = el('span')
    pairs.forEach(function (p) { span.appendChild(el('span', 'chip', p[0] + ' ' + fmt.format(p[1]))) })
    return span
  }

  // A detail table, sortable like the static ones; `ipCol` holds addresses (-1: none).
  function smallTable(head, rows, numericCols, ipCol) {
    var t = el('table', 'data')
    var tr = el('tr')
    head.forEach(function (h, i) {
      var num = numericCols.indexOf(i) >= 0
      var th = tr.appendChild(el('th', num ? 'num' : null, h))
      th.scope = 'col'
      if (num) th.dataset.type = 'num'
      else if (i === ipCol) th.dataset.type = 'ip'
    })
    t.appendChild(el('thead')).appendChild(tr)
    var tb = t.appendChild(el('tbody'))
    rows.forEach(function (r) {
      var row = tb.appendChild(el('tr'))
      r.forEach(function (v, i) {
        var num = numericCols.indexOf(i) >= 0
        var td = row.appendChild(el('td', num ? 'num' : i === 0 ? 'mono wrap' : 'wrap', num && typeof v === 'number' ? fmt.format(v) : v))
        if (num && typeof v === 'number') td.dataset.v = v
      })
    })
    sortable(t)
    return t
  }

  function detail(s) {
    var tr = el('tr', 'detail')
    var td = tr.appendChild(el('td'))
    td.colSpan = 9
    var dl = td.appendChild(el('dl', 'facts'))
    var scan = s.scan.length === 0 ? 'none' : s.scan.join(', ') + (s.nmap.length > 0 ? ' (nmap ' + s.nmap.join(' ') + ')' : '')
    facts(dl, [
      ['Source', s.ip + ' (IPv' + s.v + '), danger level ' + s.dl + ', ' + fmt.format(s.pk) + ' packets'],
      ['Seen', (time(s.first) || '?') + ' – ' + (time(s.last) || '?') + ' UTC'],
      ['Scan types', scan],
      ['DNS', s.dns || null],
      ['OS guesses', s.os.length > 0 ? s.os.join('; ') : 'none'],
      ['TCP flags', chips(s.flags)],
      ['Chains', chips(s.chains)],
      ['Log prefixes', chips(s.prefixes)],
    ])
    if (s.fnd.length > 0) {
      td.appendChild(el('h3', null, 'Findings'))
      var ul = td.appendChild(el('ul'))
      s.fnd.forEach(function (f) {
        var li = ul.appendChild(el('li'))
        li.appendChild(el('span', 'mono', f[0]))
        li.appendChild(document.createTextNode(': ' + f[1]))
      })
    }
    td.appendChild(el('h3', null, 'Destinations (' + fmt.format(s.nd) + ')'))
    // UDP-Lite is rare: its column only appears when some destination has it.
    var lite = s.dst.some(function (d) { return d[4] !== '' })
    var head = ['Destination', 'Packets', 'TCP ports', 'UDP ports', 'UDP-Lite ports', 'Protocols', 'First seen', 'Last seen']
    var dests = s.dst.map(function (d) { return [d[0], d[1], d[2] || '–', d[3] || '–', d[4] || '–', d[5], time(d[6]), time(d[7])] })
    if (!lite) {
      head.splice(4, 1)
      dests.forEach(function (d) { d.splice(4, 1) })
    }
    td.appendChild(smallTable(head, dests, lite ? [1, 5] : [1, 4], 0))
    if (s.nd > s.dst.length) td.appendChild(el('p', 'note', fmt.format(s.nd - s.dst.length) + ' more destinations in the JSON report.'))
    if (s.sig.length > 0) {
      td.appendChild(el('h3', null, 'Signatures'))
      td.appendChild(smallTable(['Signature', 'Protocol', 'ID', 'Packets', 'DL'], s.sig.map(function (g) { return [g[0], g[1], g[2], g[3], g[4]] }), [3, 4], -1))
    }
    if (s.whois) {
      td.appendChild(el('h3', null, 'Whois'))
      td.appendChild(el('pre', 'whois', s.whois))
    }
    return tr
  }

  function row(s) {
    var tr = el('tr')
    var ipCell = tr.appendChild(el('td'))
    var toggle = ipCell.appendChild(el('button', 'src-toggle', s.ip))
    toggle.type = 'button'
    toggle.setAttribute('aria-expanded', state.open[s.ip] ? 'true' : 'false')
    toggle.addEventListener('click', function () {
      if (state.open[s.ip]) delete state.open[s.ip]
      else state.open[s.ip] = true
      render()
    })
    var dlCell = tr.appendChild(el('td', 'num'))
    dlCell.appendChild(el('span', 'badge dl' + Math.max(0, Math.min(5, s.dl | 0)), s.dl))
    tr.appendChild(el('td', 'num', fmt.format(s.pk)))
    tr.appendChild(el('td', 'num', fmt.format(s.nd)))
    tr.appendChild(el('td', null, s.scan.join(', ')))
    tr.appendChild(el('td', 'num', s.sig.length))
    tr.appendChild(el('td', 'mono', time(s.first)))
    tr.appendChild(el('td', 'mono', time(s.last)))
    tr.appendChild(el('td', 'dns', s.dns))
    return tr
  }

  function render() {
    var total = state.view.length
    var pages = Math.max(1, Math.ceil(total / state.size))
    state.page = Math.max(0, Math.min(state.page, pages - 1))
    var from = state.page * state.size
    var rows = document.createDocumentFragment()
    state.view.slice(from, from + state.size).forEach(function (s) {
      rows.appendChild(row(s))
      if (state.open[s.ip]) rows.appendChild(detail(s))
    })
    body.replaceChildren(rows)
    var filtered = total < all.length ? ' (filtered from ' + fmt.format(all.length) + ')' : ''
    status.textContent = total === 0
      ? (all.length === 0 ? 'No source reached the minimum danger level.' : 'No source matches.')
      : 'Sources ' + fmt.format(from + 1) + '–' + fmt.format(Math.min(total, from + state.size)) + ' of ' + fmt.format(total) + filtered
    pageLabel.textContent = 'Page ' + fmt.format(state.page + 1) + ' of ' + fmt.format(pages)
    document.querySelectorAll('.pager button').forEach(function (b) {
      var back = b.dataset.page === 'first' || b.dataset.page === 'prev'
      b.disabled = back ? state.page === 0 : state.page >= pages - 1
    })
  }

  headerButtons(table, function (th) {
    state.key = th.dataset.key
    state.sign = nextDirection(table, th, NUMERIC[state.key] === true)
    state.page = 0
    recompute()
    render()
  })

  var filter = document.getElementById('src-filter')
  filter.addEventListener('input', function () {
    state.query = filter.value.trim().toLowerCase()
    state.page = 0
    recompute()
    render()
  })
  document.getElementById('src-dl').addEventListener('change', function (e) {
    state.minDl = Number(e.target.value)
    state.page = 0
    recompute()
    render()
  })
  document.getElementById('src-size').addEventListener('change', function (e) {
    state.size = Number(e.target.value)
    state.page = 0
    render()
  })
  document.querySelectorAll('.pager button').forEach(function (b) {
    b.addEventListener('click', function () {
      var pages = Math.max(1, Math.ceil(state.view.length / state.size))
      var to = { first: 0, prev: state.page - 1, next: state.page + 1, last: pages - 1 }[b.dataset.page]
      state.page = to
      render()
    })
  })
  // A top-source link shows that source, opened, in the full list.
  document.querySelectorAll('a.src-link').forEach(function (a) {
    a.addEventListener('click', function () {
      filter.value = a.dataset.ip
      state.query = a.dataset.ip.toLowerCase()
      state.open[a.dataset.ip] = true
      state.page = 0
      recompute()
      render()
    })
  })

  render()
})()
