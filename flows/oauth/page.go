package oauth

import (
	"bytes"
	"html/template"
	"net/http"
	"strconv"
	"sync"
)

// page is what the loopback listener shows the browser.
type page struct {
	status int
	OK     bool
	Title  string
	Detail string
}

func successPage() page {
	return page{status: http.StatusOK, OK: true, Title: "Signed in",
		Detail: "cogscope has the tokens. Return to your terminal; you can close this tab."}
}

func failurePage(title, detail string) page {
	return page{status: http.StatusBadRequest, Title: title, Detail: detail}
}

// pageTmpl is parsed on first use, not at every start of cogscope.
var pageTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cogscope: {{.Title}}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}.ok{color:#1a7f37}.err{color:#b42318}</style></head>
<body><h1 class="{{if .OK}}ok{{else}}err{{end}}" id="cogscope-result" data-ok="{{.OK}}">{{.Title}}</h1>
<p>{{.Detail}}</p>{{if not .OK}}<p>The details are in your terminal.</p>{{end}}</body></html>
`))
})

func writePage(w http.ResponseWriter, status int, p page) {
	var b bytes.Buffer
	if err := pageTmpl().Execute(&b, p); err != nil {
		http.Error(w, p.Title, status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}
