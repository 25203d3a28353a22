// Package poolfetch is scenario F5: fetching web pages on a pool of five
// workers with a per-request timeout. Four pages answer with their sizes,
// one host does not exist, one page is too slow; the whole batch takes
// about as long as its slowest fetch, not the sum of all of them.
package poolfetch

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/netlab"
	"github.com/pardemo/pardemo/internal/pool"
)

//go:embed lesson.md
var lesson string

// The cookbook's five URLs, the last of which does not exist, and one slow
// page added here so the timeout has something to cut off.
var (
	cookbookURLs = []string{
		"http://www.foxnews.com/",
		"http://www.cnn.com/",
		"http://europe.wsj.com/",
		"http://www.bbc.co.uk/",
		"http://some-made-up-domain.com/",
	}
	slowURL = "http://www.bbc.co.uk/slow"
)

// Story timings: each real page answers after 1–6 story-seconds (drawn from
// --seed); the slow page would take 30, far past the default timeout of 10.
const (
	minLatency = 1.0
	maxLatency = 6.0
	slowPage   = 30.0
)

// Options are the scenario's knobs.
type Options struct {
	Workers int     // pool size (the cookbook's max_workers=5)
	Timeout float64 // per-request timeout, story seconds
}

// Metrics are what the scenario measured.
type Metrics struct {
	Workers  int     `json:"workers"`   // pool size (--workers)
	TimeoutS float64 `json:"timeout_s"` // per-request timeout in story seconds (--timeout)
	// TimeoutMs is that timeout in real time at this --speed.
	TimeoutMs float64 `json:"timeout_ms"`
	// CutMs is how long the timed-out fetch took (0 if none timed out):
	// at least timeout_ms, and not much more.
	CutMs float64 `json:"cut_ms"`
	// Fetches has one entry per URL, in the order they completed (as
	// as_completed yields them).
	Fetches     []Fetch `json:"fetches"`
	Answered    int     `json:"answered"`     // pages that answered in time, each with its size
	NotFound    int     `json:"not_found"`    // URLs whose host does not exist (a *net.DNSError with IsNotFound)
	TimedOut    int     `json:"timed_out"`    // fetches cut off by the timeout
	OtherErrors int     `json:"other_errors"` // fetches that failed any other way (0 unless something is wrong)
	// SizesMatch: every answered page's size is exactly what the server sent.
	SizesMatch bool    `json:"sizes_match"`
	TotalMs    float64 `json:"total_ms"`   // from submitting the first URL to the last result
	SlowestMs  float64 `json:"slowest_ms"` // the longest single fetch, timed-out ones included
	SumMs      float64 `json:"sum_ms"`     // every fetch's duration added up: the time one worker would need
	// PeakInFlight is the most requests the local server was handling at
	// once; the made-up domain never reaches it.
	PeakInFlight int `json:"peak_in_flight"`
	Dials        int `json:"dials"`             // connections the client dialled, as the lab's guard saw them
	OffMachine   int `json:"off_machine_dials"` // dials to an address that is not loopback (refused; want 0)
}

// Fetch is one URL's fetch, as the client saw it.
type Fetch struct {
	URL     string `json:"url"`     // the URL asked for
	Worker  string `json:"worker"`  // the pool worker that fetched it ("worker-3")
	Outcome string `json:"outcome"` // "page", "not found", "timeout" or "error"
	Bytes   int    `json:"bytes"`   // the page's size as read by the client (0 unless outcome is "page")
	Served  int    `json:"served"`  // bytes the local server wrote for it (0 for an unknown host)
	// LatencyS is how long the page takes to answer, in story seconds (0
	// for the unknown host): a fetch cut off although this is well under
	// the timeout means the machine could not keep the pace.
	LatencyS float64 `json:"latency_s"`
	Error    string  `json:"error"`    // the error as Go reports it, "" for a page
	StartMs  float64 `json:"start_ms"` // when the worker started it, from the first submit
	EndMs    float64 `json:"end_ms"`   // when it finished, from the first submit
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "pool fetch", ID: "F5",
		Title:  "Fetch pages on a pool of 5 with a timeout: about the slowest fetch, not the sum",
		Python: "concurrent.futures.ThreadPoolExecutor(max_workers=5) + as_completed + urlopen(timeout=)",
		Go:     "a pool of goroutines (internal/pool, AsCompleted) + http.Client with a context deadline per request",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.Workers, "workers", "fetches at the same time (the cookbook's max_workers)", 5, 1, 16)
			k.Float(&o.Timeout, "timeout", "per-request timeout in story-seconds (pages take 1–6, the slow one 30)", 10, 0.5, 60)
		},
		Explain:  lesson,
		Lesson:   []string{"demos/poolfetch/poolfetch.go", "internal/netlab/netlab.go"},
		Run:      run,
		Quiz:     quiz,
		Outcomes: outcomes,
	}.Demo()
}

// ---- The lesson: submit every URL, take the results as they complete. ----

// fetched is what a fetch returns: the page's size.
type fetched struct{ bytes int }

// fetch is load_url: GET the page and read all of it, within timeout. The
// deadline covers the whole request — connecting, waiting for the answer
// and reading the body — and the context carries it into every step.
func fetch(ctx context.Context, client *http.Client, url string, timeout time.Duration) (fetched, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fetched{}, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return fetched{}, err // the unknown host fails here, and so does the timeout
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fetched{}, fmt.Errorf("%s: %s", url, resp.Status)
	}
	data, err := io.ReadAll(resp.Body)
	return fetched{bytes: len(data)}, err
}

// fetchAll submits every URL to a pool of workers and reports each result
// as it completes, whichever finishes first — the cookbook's
// `for future in as_completed(...)` loop.
func fetchAll(ctx context.Context, env *demos.Env, client *http.Client, urls []string, workers int, timeout time.Duration) ([]Fetch, time.Duration, error) {
	begin := env.Now()
	spans := make([]Fetch, len(urls)) // spans[i] is written by the one worker that fetches urls[i]
	p := pool.New(ctx, workers, func(ctx context.Context, i int) (fetched, error) {
		worker := pool.WorkerOf(ctx)
		spans[i] = Fetch{URL: urls[i], Worker: worker, StartMs: ev.Ms(env.Now() - begin)}
		env.Log(worker, ev.Start, "GET "+urls[i], "url", urls[i])
		page, err := fetch(ctx, client, urls[i], timeout)
		spans[i].EndMs = ev.Ms(env.Now() - begin)
		return page, err
	})
	futures := make([]*pool.Future[fetched], len(urls))
	index := map[*pool.Future[fetched]]int{}
	for i := range urls {
		futures[i] = p.Submit(i)
		index[futures[i]] = i
	}
	p.Close() // no more URLs; the workers end when the queue is empty

	var done []Fetch
	for f := range pool.AsCompleted(futures) {
		i := index[f]
		page, err := f.Result(ctx)
		if ctx.Err() != nil {
			break
		}
		s := spans[i]
		s.Outcome = outcomeOf(err)
		if err != nil {
			s.Error = err.Error()
			env.Log("main", ev.Warn, fmt.Sprintf("%q generated an exception: %v", s.URL, err), "url", s.URL, "outcome", s.Outcome)
		} else {
			s.Bytes = page.bytes
			env.Log("main", ev.Recv, fmt.Sprintf("%q page is %s bytes", s.URL, ev.Int(page.bytes)), "url", s.URL, "bytes", page.bytes)
		}
		done = append(done, s)
	}
	if err := p.Join(); err != nil || ctx.Err() != nil {
		return nil, 0, demos.Stopped(ctx)
	}
	return done, env.Now() - begin, nil
}

// outcomeOf sorts a fetch's error: an unknown host, a timeout, or other.
func outcomeOf(err error) string {
	var dns *net.DNSError
	switch {
	case err == nil:
		return "page"
	case errors.As(err, &dns) && dns.IsNotFound:
		return "not found"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	}
	return "error"
}

// ---- The local internet: one server on 127.0.0.1 plays every site. ----

// site is one page the lab serves: its body, and how long it takes to
// start answering, in story seconds.
type site struct {
	body    []byte
	latency float64
}

// web is the lab's server: it answers for every site by the Host header,
// counts the requests in flight and the bytes it wrote for each URL.
type web struct {
	env   *demos.Env
	pages map[string]site // "www.cnn.com/" → its page

	mu       sync.Mutex
	inFlight int
	peak     int
	served   map[string]int
}

func (w *web) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	key := host + r.URL.Path
	page, ok := w.pages[key]
	if !ok {
		http.NotFound(rw, r)
		return
	}
	w.mu.Lock()
	w.inFlight++
	w.peak = max(w.peak, w.inFlight)
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		w.inFlight--
		w.mu.Unlock()
	}()
	t := time.NewTimer(w.env.Story(page.latency))
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
		return // the client gave up (its timeout) or the lab is closing
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	n, _ := rw.Write(page.body)
	w.mu.Lock()
	w.served[key] += n
	w.mu.Unlock()
}

// fakePage is an HTML page of exactly n bytes.
func fakePage(host string, n int) []byte {
	head := "<!doctype html><title>" + host + " (served by pardemo on 127.0.0.1)</title>\n"
	line := "<p>news news news news news news news news news news news news</p>\n"
	var b strings.Builder
	b.WriteString(head)
	for b.Len() < n {
		b.WriteString(line)
	}
	return []byte(b.String()[:n])
}

// hostPath is "www.cnn.com/" for "http://www.cnn.com/".
func hostPath(url string) string { return strings.TrimPrefix(url, "http://") }

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	urls := append(append([]string{}, cookbookURLs...), slowURL)
	// Every page's latency and size are drawn up front, from --seed.
	w := &web{env: env, pages: map[string]site{}, served: map[string]int{}}
	for _, u := range cookbookURLs[:4] {
		hp := hostPath(u)
		host := strings.TrimSuffix(hp, "/")
		latency := minLatency + math.Round(env.Rand.Float64()*(maxLatency-minLatency)*10)/10
		size := 20_000 + env.Rand.IntN(380_000)
		w.pages[hp] = site{body: fakePage(host, size), latency: latency}
	}
	w.pages[hostPath(slowURL)] = site{body: fakePage("www.bbc.co.uk", 1000), latency: slowPage}

	lab := netlab.New()
	defer lab.Close() // the server, its connections and the client's, on every path
	addr, err := lab.Serve(w)
	if err != nil {
		return ev.Result{}, err
	}
	var hosts []string
	for _, u := range cookbookURLs[:4] {
		host := strings.TrimSuffix(hostPath(u), "/")
		lab.Host(host, addr)
		hosts = append(hosts, host)
	}
	env.Phase("a local internet: one server on " + addr + " plays every site")
	env.Log("lab", ev.Note, strings.Join(hosts, ", ")+" resolve to "+addr+"; some-made-up-domain.com resolves nowhere")
	for _, u := range urls {
		if p, ok := w.pages[hostPath(u)]; ok {
			env.Log("lab", ev.Step, fmt.Sprintf("%s answers after %g story-seconds", u, p.latency), "url", u, "latency_s", p.latency)
		}
	}

	timeout := env.Story(o.Timeout)
	env.Phase(fmt.Sprintf("%d URLs on a pool of %d, each with a timeout of %g story-seconds", len(urls), o.Workers, o.Timeout))
	fetches, total, err := fetchAll(ctx, env, lab.Client(), urls, o.Workers, timeout)
	if err != nil {
		return ev.Result{}, err
	}
	lab.Close() // ends the slow page's handler before its bytes are counted
	w.mu.Lock()
	for i := range fetches {
		fetches[i].Served = w.served[hostPath(fetches[i].URL)]
		fetches[i].LatencyS = w.pages[hostPath(fetches[i].URL)].latency
	}
	peak := w.peak
	w.mu.Unlock()

	m := Metrics{Workers: o.Workers, TimeoutS: o.Timeout, Fetches: fetches, SizesMatch: true,
		TotalMs: ev.Ms(total), PeakInFlight: peak, Dials: len(lab.Dials()), OffMachine: lab.OffMachine()}
	for _, f := range fetches {
		switch f.Outcome {
		case "page":
			m.Answered++
			m.SizesMatch = m.SizesMatch && f.Bytes == f.Served
		case "not found":
			m.NotFound++
		case "timeout":
			m.TimedOut++
		default:
			m.OtherErrors++
		}
		d := f.EndMs - f.StartMs
		m.SlowestMs = max(m.SlowestMs, d)
		m.SumMs += d
	}
	m.SlowestMs, m.SumMs = round3(m.SlowestMs), round3(m.SumMs)
	cut := env.Pace(o.Timeout, timeoutTaken(m))
	m.TimeoutMs, m.CutMs = ev.Ms(cut.Want), ev.Ms(cut.Got)
	return conclude(m, env.Speed), nil
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

// timeoutTaken is how long the timed-out fetch took (0 if none timed out).
func timeoutTaken(m Metrics) time.Duration {
	for _, f := range m.Fetches {
		if f.Outcome == "timeout" {
			return time.Duration((f.EndMs - f.StartMs) * float64(time.Millisecond))
		}
	}
	return 0
}

// ---- The verdict. ----

// reachable is how many of the URLs reach the server (all but the made-up
// domain): the most requests a big enough pool can have in flight.
const reachable = 5

// conclude checks every claim: four pages with exactly the sizes served,
// one host not found, one fetch cut off at the timeout (not before it, not
// much after), the whole batch about its slowest fetch rather than the
// sum, at most --workers requests in flight and as many as the pool
// allowed, and no dial off the machine.
func conclude(m Metrics, speed float64) ev.Result {
	ms := func(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }
	cut := demos.Pace{Want: ms(m.TimeoutMs), Got: ms(m.CutMs), Speed: speed}
	total, slowest, sum := ms(m.TotalMs), ms(m.SlowestMs), ms(m.SumMs)
	story := func(d time.Duration) string { return fmt.Sprintf("%.1f story-s", d.Seconds()*speed) }

	tb := ev.Table{Title: "fetches, in completion order", Header: []string{"url", "worker", "outcome", "bytes", "start", "took"}}
	for _, f := range m.Fetches {
		size := "—"
		if f.Outcome == "page" {
			size = ev.Int(f.Bytes)
		}
		tb.Rows = append(tb.Rows, []string{f.URL, f.Worker, f.Outcome, size, "+" + ev.Dur(ms(f.StartMs)), ev.Dur(ms(f.EndMs - f.StartMs))})
	}
	res := ev.Result{Metrics: m, Tables: []ev.Table{tb}, Timing: []ev.Timing{
		{Label: "all URLs, on the pool", D: total},
		{Label: "the slowest fetch", D: slowest},
		{Label: "every fetch, one after another", D: sum},
	}}
	// "About the slowest": no more than a quarter (at least 20ms) over it.
	aboutSlowest := total <= slowest+max(slowest/4, 20*time.Millisecond)
	inFlight := min(m.Workers, reachable)
	switch {
	case m.OffMachine > 0:
		res.Verdict = fmt.Sprintf("%d dial(s) went for an address off this machine (refused): the lab's network is broken", m.OffMachine)
		res.Hint = "another run, and report a bug in pardemo if it repeats"
	case m.OtherErrors > 0 || !m.SizesMatch:
		res.Verdict = fmt.Sprintf("%d fetch(es) failed unexpectedly, or a size differs from what was served", m.OtherErrors)
		res.Hint = "another run, and report a bug in pardemo if it repeats"
	case cutTooSoon(m) > 0:
		res.Verdict = fmt.Sprintf("%d fetch(es) that answer well within the timeout of %g story-seconds (%s at this speed) were cut off: the machine could not keep the pace",
			cutTooSoon(m), m.TimeoutS, ev.Dur(cut.Want))
		res.Hint = "a lower --speed, or a less busy machine"
	case m.NotFound != 1:
		res.Verdict = fmt.Sprintf("%d unknown host(s) reported, want exactly the made-up domain", m.NotFound)
		res.Hint = "another run, and report a bug in pardemo if it repeats"
	case m.Answered < 4:
		res.Verdict = fmt.Sprintf("only %d of 4 pages answered within %g story-seconds: the timeout cut off pages that take up to %g", m.Answered, m.TimeoutS, maxLatency)
		res.Hint = fmt.Sprintf("--timeout 10 (longer than the slowest page, %g story-seconds)", maxLatency)
	case m.TimedOut == 0:
		res.Verdict = fmt.Sprintf("the slow page answered within the timeout of %g story-seconds: nothing was cut off", m.TimeoutS)
		res.Hint = fmt.Sprintf("--timeout 10 (the slow page takes %g)", slowPage)
	case cut.Got < cut.Want || !cut.Kept():
		res.Verdict = fmt.Sprintf("the slow page was cut off after %s, not at its timeout of %s", ev.Dur(cut.Got), ev.Dur(cut.Want))
		res.Hint = "a lower --speed, or a less busy machine"
	case m.PeakInFlight > m.Workers:
		res.Verdict = fmt.Sprintf("the server had %d requests in flight at once from a pool of %d", m.PeakInFlight, m.Workers)
		res.Hint = "another run, and report a bug in pardemo if it repeats"
	case !aboutSlowest:
		res.Verdict = fmt.Sprintf("the %d URLs took %s (%s), well over the slowest fetch (%s), towards the sum (%s): with %d at a time, fetches waited for a free worker",
			len(m.Fetches), ev.Dur(total), story(total), ev.Dur(slowest), ev.Dur(sum), m.PeakInFlight)
		res.Hint = "--workers 5, a lower --speed, or a less busy machine"
	case m.PeakInFlight < inFlight:
		res.Verdict = fmt.Sprintf("only %d request(s) were in flight at once, from a pool of %d", m.PeakInFlight, m.Workers)
		res.Hint = "a lower --speed, or a less busy machine"
	default:
		res.Observed = true
		res.Verdict = fmt.Sprintf("4 pages answered with their sizes, the made-up domain was not found, the slow page was cut off at %g story-s; all %d took %s (%s): about the slowest fetch (%s), not the sum (%s), with %d in flight at once",
			m.TimeoutS, len(m.Fetches), ev.Dur(total), story(total), ev.Dur(slowest), ev.Dur(sum), m.PeakInFlight)
		res.Short = fmt.Sprintf("4 sizes, 1 not found, 1 timeout; %s", story(total))
	}
	return res
}

// cutTooSoon counts the fetches cut off by the timeout although their page
// answers in less than three quarters of it (or, for the unknown host,
// at once): the time went to the machine, not to the page.
func cutTooSoon(m Metrics) int {
	n := 0
	for _, f := range m.Fetches {
		if f.Outcome == "timeout" && f.LatencyS < 0.75*m.TimeoutS {
			n++
		}
	}
	return n
}

// outcomes are the results a run can end with, for `pardemo verify`.
var outcomes = []demos.Outcome[Options, Metrics]{
	{Name: "off machine", Class: demos.Forbidden, Desc: "the client dialled an address that is not loopback",
		When: func(_ *Options, m Metrics) bool { return m.OffMachine > 0 }},
	{Name: "broken fetch", Class: demos.Forbidden, Desc: "a fetch failed unexpectedly, or a size differs from what was served",
		When: func(_ *Options, m Metrics) bool { return m.OtherErrors > 0 || !m.SizesMatch }},
	{Name: "too fast", Class: demos.Acceptable, Desc: "the machine could not keep the pace: a fetch well within the timeout was cut off",
		When: func(_ *Options, m Metrics) bool { return cutTooSoon(m) > 0 }},
	{Name: "no unknown host", Class: demos.Forbidden, Desc: "the made-up domain was not reported as an unknown host",
		When: func(_ *Options, m Metrics) bool { return m.NotFound != 1 }},
	{Name: "over the pool", Class: demos.Forbidden, Desc: "more requests in flight than workers",
		When: func(_ *Options, m Metrics) bool { return m.PeakInFlight > m.Workers }},
	{Name: "pages cut off", Class: demos.Acceptable, Desc: "the timeout was shorter than a page: fewer than 4 sizes",
		When: func(_ *Options, m Metrics) bool { return m.Answered < 4 }},
	{Name: "nothing cut off", Class: demos.Acceptable, Desc: "the timeout was long enough for the slow page too",
		When: func(_ *Options, m Metrics) bool { return m.TimedOut == 0 }},
	{Name: "cut off off time", Class: demos.Acceptable, Desc: "the slow page was cut off before its timeout or well after it (a busy machine)",
		When: func(_ *Options, m Metrics) bool {
			return m.CutMs < m.TimeoutMs || m.CutMs > m.TimeoutMs+max(m.TimeoutMs/4, 20)
		}},
	{Name: "about the sum", Class: demos.Acceptable, Desc: "too few workers (or a busy machine): the total was not about the slowest fetch",
		When: func(_ *Options, m Metrics) bool {
			return m.PeakInFlight < min(m.Workers, reachable) || m.TotalMs > m.SlowestMs+max(m.SlowestMs/4, 20)
		}},
	{Name: "4 sizes, 1 error, 1 cut", Class: demos.Interesting, Desc: "four sizes, one unknown host, one timeout; total about the slowest",
		When: func(_ *Options, m Metrics) bool { return true }},
}
