package obsship

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"time"
)

// closeIdle closes an open file that nothing wrote for idle, as the
// entry's recover does at a server's start: a partial last line is cut
// off, then the file is renamed to *.jsonl (or deleted when no whole line
// is left). It returns the closed file's name, or "" when the file was
// not idle long enough or had no whole line.
func closeIdle(path string, idle time.Duration) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("stat %s: %w", path, err)
	}
	if time.Since(st.ModTime()) < idle {
		return "", nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	end := bytes.LastIndexByte(data, '\n') + 1
	if end == 0 {
		if err := os.Remove(path); err != nil {
			return "", fmt.Errorf("delete %s (no whole line): %w", path, err)
		}
		return "", nil
	}
	if end < len(data) {
		if err := os.Truncate(path, int64(end)); err != nil {
			return "", fmt.Errorf("cut the partial last line of %s: %w", path, err)
		}
	}
	closed := strings.TrimSuffix(path, ".open")
	if err := os.Rename(path, closed); err != nil {
		return "", fmt.Errorf("close %s: %w", path, err)
	}
	return closed[strings.LastIndexByte(closed, os.PathSeparator)+1:], nil
}
