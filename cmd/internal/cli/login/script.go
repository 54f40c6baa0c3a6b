package login

import "github.com/cogscope/cogscope/cmd/internal/cmdutil"

// ScriptOptions are login's non-interactive answers to challenges, for
// scripts and CI (cmdutil's, which `cogscope replay` shares: the same
// flags with the same meaning).
type ScriptOptions = cmdutil.ScriptOptions

// scriptFlags are the flag names of ScriptOptions (API flows only).
var scriptFlags = cmdutil.ScriptFlagNames
