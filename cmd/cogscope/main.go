// Command cogscope is a terminal console for debugging AWS Cognito sign-in
// end to end. All of its work lives in cmd/internal/cli (the command tree) and
// cmd/internal/cmdutil (what the commands share).
package main

import (
	"os"

	"github.com/cogscope/cogscope/cmd/internal/cli"
)

func main() {
	os.Exit(cli.Main())
}
