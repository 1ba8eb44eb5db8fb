#!/usr/bin/perl
# GCIDE (dictd format) -> plain text.
#   gcide.pl INDEX DICT_TEXT CORPUS_OUT
# INDEX is gcide.index (headword, base64 offset, base64 length); DICT_TEXT is the
# decompressed gcide.dict.dz. Entries are cut at the index offsets, so the licence
# preamble and the 00-database-* pseudo entries are skipped without guessing.
# CORPUS_OUT: one line per entry, "Headword: definitions, notes and quotations".
use strict;
use warnings;

my ($index_path, $dict_path, $corpus_path) = @ARGV;
die "usage: gcide.pl INDEX DICT_TEXT CORPUS_OUT\n" unless defined $corpus_path;

my %b64;
{ my $i = 0; $b64{$_} = $i++ for ('A' .. 'Z', 'a' .. 'z', '0' .. '9', '+', '/'); }
sub b64num { my $n = 0; $n = $n * 64 + $b64{$_} for split //, $_[0]; return $n; }

# Unique entries (several headwords may share one entry), in file order.
my %length_at;
open my $index, '<', $index_path or die "gcide.pl: cannot read $index_path: $!\n";
while (<$index>) {
  chomp;
  my ($word, $off, $len) = split /\t/;
  next if !defined $len || $word =~ /^00-?(?:database|gcide)/i;
  $length_at{b64num($off)} = b64num($len);
}
close $index;

my $dict = do {
  local $/;
  open my $fh, '<:raw', $dict_path or die "gcide.pl: cannot read $dict_path: $!\n";
  <$fh>;
};

# GCIDE's ASCII codes for accented and special characters: ["o], [=a], [i^], [ae], ...
my %named = (ae => 'ae', AE => 'AE', oe => 'oe', OE => 'OE', imac => 'i', aum => 'a', add => 'a',
             asl => 'a', udd => 'u', eth => 'th', thorn => 'th', th => 'th', ng => 'ng', yogh => 'y',
             deg => ' degrees', pounds => ' pounds', times => ' times ', nbsp => ' ', break => ' ',
             root => '', sect => '', para => '', dsdot => '', bprime => "''", prime => "'", bar => '',
             middot => ' ', rarr => ' ', slang => '', vulgar => '');
sub clean_chars {
  my ($s) = @_;
  $s =~ s/[\x91\x92]/'/g;
  $s =~ s/[\x80-\xff]//g;                                  # three stray Latin-1 bytes
  $s =~ s/\[frac(\d)(\d+)\]/ $1\/$2/g;                     # [frac12] -> 1/2
  $s =~ s/\[frac(\d+)x(\d+)\]/ $1\/$2/g;                   # [frac925x1000]
  $s =~ s/\[(\w+)\]/exists $named{$1} ? $named{$1} : "[$1]"/ge;
  $s =~ s/\[["'`^~=.,*-]([A-Za-z]{1,2})\]/$1/g;            # ["o] [=oo] [.a] [,c]
  $s =~ s/\[([A-Za-z]{1,2})[\^~"]\]/$1/g;                  # [i^] [oo^]
  $s =~ s/\[([A-Za-z][a-z]*)\]/$1/g;                       # editorial words in quotes: [They], [is]
  return $s;
}

# Remove pronunciations, every [...] group (etymologies, [1913 Webster], [Obs.]) and {} braces.
my $brackets = qr/(\[(?:[^\[\]]++|(?-1))*\])/;
sub strip_markup {
  my ($s) = @_;
  $s =~ s/\\[^\\\n]*\\//g;
  $s =~ s/$brackets//g;
  $s =~ tr/[]{}//d;
  return $s;
}

sub clean_paragraph {
  my ($s) = @_;
  $s =~ s/(?<=[A-Za-z])[*"`]+(?=[A-Za-z-])//g;              # run-on forms: Sym*met"ric*al*ly
  $s =~ s/\s+/ /g;
  $s =~ s/^ //;
  $s =~ s/ $//;
  $s =~ s/^(?:Syn|Note|Usage):\s*//;
  $s =~ s/^(?:\d+\.|\([a-z]\))\s+//;                       # sense numbers: "2. ", "(a) "
  # quotation sources: --Shak.  --R. Choate.  --Sir W. Scott.
  $s =~ s/\s*--[A-Z][^\s]*(?:\s+(?:[A-Z&]|of\b|de\b|the\b)[^\s]*)*//g;
  $s =~ s/\s+([,.;:])/$1/g;
  $s =~ s/\s+/ /g;
  $s =~ s/^ //;
  $s =~ s/ $//;
  return $s;
}

open my $corpus, '>', $corpus_path or die "gcide.pl: cannot write $corpus_path: $!\n";
for my $off (sort { $a <=> $b } keys %length_at) {
  my $entry = clean_chars(substr($dict, $off, $length_at{$off}));
  $entry =~ s/^\s+//;
  $entry =~ s/\A.*?^(?=\S[^\n]*\\)//ms;                 # text before the headword line (first entry only)
  my ($head) = $entry =~ /^([^\\\n]*?)\s*\\/;
  $head = ($entry =~ /^([^\n]*)/)[0] unless defined $head;
  $head =~ s/[,\s]+$//;
  $head =~ s/"|`|\*//g;
  my $body = strip_markup(substr($entry, length($head) > 0 ? index($entry, $head) + length($head) : 0));
  $body =~ s/^[^\n]*//;                                     # rest of the headword line: part of speech
  my @paras;
  for my $raw (split /\n[ \t]*\n/, $body) {
    my ($indent) = $raw =~ /^\n*( *)\S/;
    next unless defined $indent;
    my $is_quote = length($indent) >= 9;
    my $text = clean_paragraph($raw);
    next if $text eq '';
    push @paras, $text;
  }
  next unless @paras && $head ne '' && $head !~ /^00-?(?:database|gcide)/i;
  print $corpus "$head: ", join(' ', @paras), "\n";
}
close $corpus or die "gcide.pl: write failed for $corpus_path: $!\n";
