package config

import (
	"fmt"
	"io"
	"os"

	"github.com/sirupsen/logrus"
	"golang.org/x/term"
)

// NewLogger returns a logrus entry writing to stderr at cfg.LogLevel. The
// format is cfg.LogFormat, or when that is empty text on a terminal and
// JSON otherwise.
func NewLogger(cfg Config) (*logrus.Entry, error) {
	return newLogger(cfg, os.Stderr, term.IsTerminal(int(os.Stderr.Fd())))
}

func newLogger(cfg Config, out io.Writer, tty bool) (*logrus.Entry, error) {
	level, err := logrus.ParseLevel(cfg.LogLevel)
	if err != nil {
		return nil, fmt.Errorf("%s: unknown level %q", EnvLogLevel, cfg.LogLevel)
	}
	format := cfg.LogFormat
	if format == "" {
		format = LogFormatJSON
		if tty {
			format = LogFormatText
		}
	}
	l := logrus.New()
	l.SetOutput(out)
	l.SetLevel(level)
	switch format {
	case LogFormatText:
		l.SetFormatter(&logrus.TextFormatter{FullTimestamp: true})
	case LogFormatJSON:
		l.SetFormatter(&logrus.JSONFormatter{})
	default:
		return nil, fmt.Errorf("%s: unknown format %q: want text or json", EnvLogFormat, cfg.LogFormat)
	}
	return logrus.NewEntry(l), nil
}
