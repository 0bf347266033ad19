package dev.kiln.cli.progress;

import java.util.ArrayList;
import java.util.List;

/**
 * A minimal terminal for tests of the tty view: printable characters with xterm's deferred wrap at
 * the right margin, CR, LF (with scrolling at the bottom), and the escape sequences the view uses:
 * cursor up ({@code ESC[nA}), erase line ({@code ESC[2K}) and erase below ({@code ESC[J}). Not
 * thread-safe.
 */
final class Screen {
  private final int columns;
  private final int rows;
  private final List<char[]> lines = new ArrayList<>();
  private int row;
  private int column;

  Screen(int columns, int rows) {
    this.columns = columns;
    this.rows = rows;
    for (int i = 0; i < rows; i++) {
      lines.add(blank());
    }
  }

  private char[] blank() {
    char[] line = new char[columns];
    java.util.Arrays.fill(line, ' ');
    return line;
  }

  void feed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '\033' && i + 1 < s.length() && s.charAt(i + 1) == '[') {
        int j = i + 2;
        while (j < s.length() && Character.isDigit(s.charAt(j))) {
          j++;
        }
        int n = j > i + 2 ? Integer.parseInt(s.substring(i + 2, j)) : -1;
        control(s.charAt(j), n);
        i = j;
      } else if (ch == '\r') {
        column = 0;
      } else if (ch == '\n') {
        column = 0;
        newline();
      } else {
        if (column == columns) {
          column = 0;
          newline();
        }
        lines.get(row)[column++] = ch;
      }
    }
  }

  private void control(char command, int n) {
    switch (command) {
      case 'A' -> row = Math.max(0, row - Math.max(1, n));
      case 'K' -> lines.set(row, blank());
      case 'J' -> {
        for (int c = Math.min(column, columns); c < columns; c++) {
          lines.get(row)[c] = ' ';
        }
        for (int r = row + 1; r < rows; r++) {
          lines.set(r, blank());
        }
      }
      default -> throw new IllegalArgumentException("unexpected escape sequence ESC[" + command);
    }
  }

  private void newline() {
    if (row == rows - 1) {
      lines.remove(0);
      lines.add(blank());
    } else {
      row++;
    }
  }

  /** The screen's lines, right-trimmed. */
  List<String> lines() {
    return lines.stream().map(l -> new String(l).stripTrailing()).toList();
  }
}
