#!/usr/bin/perl
# WordNet 3.0 -> corpus lines and demo-collection entries.
#   wordnet.pl WORDNET_DIR CORPUS_OUT ENTRIES_OUT
# CORPUS_OUT:  one line per synset of data.{noun,verb,adj,adv}: "lemma, lemma: gloss".
#              The lemmas are kept so that a headword co-occurs with its definition.
# ENTRIES_OUT: JSON Lines {"id", "text", "metadata": {"definition", "kind_of", "source", "pos"}}, one
#              per noun lemma of index.noun using its first, most frequent sense; the text adds the
#              definitions of senses 2-3 and the hypernym chain. ids are unique ignoring case.
use strict;
use warnings;
use List::Util qw(min);

my ($wn, $corpus_path, $entries_path) = @ARGV;
die "usage: wordnet.pl WORDNET_DIR CORPUS_OUT ENTRIES_OUT\n" unless defined $entries_path;

sub json_string {
  my ($s) = @_;
  $s =~ s/(["\\])/\\$1/g;
  $s =~ s/([\x00-\x1f\x7f])/sprintf('\\u%04x', ord $1)/ge;
  return qq("$s");
}
sub entry_json {
  my ($id, $text, $definition, $source, $pos, $kind_of) = @_;
  my $kind_json = defined $kind_of ? q(, "kind_of": ) . json_string($kind_of) : q();
  return q({"id": ) . json_string($id) . q(, "text": ) . json_string($text)
       . q(, "metadata": {"definition": ) . json_string($definition) . $kind_json
       . q(, "source": ) . json_string($source) . q(, "pos": ) . json_string($pos) . "}}\n";
}
# "definition; \"example\"; \"example\"" -> the definition part.
sub definition_of {
  my ($gloss) = @_;
  (my $def = $gloss) =~ s/;\s*".*$//;
  $def =~ s/\s+$//;
  return $def;
}

# synset offset -> [words, gloss] for each data file, and the corpus lines.
my %synsets;
open my $corpus, '>', $corpus_path or die "wordnet.pl: cannot write $corpus_path: $!\n";
for my $pos (qw(noun verb adj adv)) {
  my $path = "$wn/data.$pos";
  open my $fh, '<', $path or die "wordnet.pl: cannot read $path: $!\n";
  while (my $line = <$fh>) {
    next if $line =~ /^  /;                                # licence header
    my ($fields, $gloss) = split /\s\|\s/, $line, 2;
    next unless defined $gloss;
    $gloss =~ s/\s+$//;
    my @f = split ' ', $fields;
    my $count = hex $f[3];
    my @words;
    for my $i (0 .. $count - 1) {
      (my $w = $f[4 + 2 * $i]) =~ s/\([a-z]+\)$//;          # adjective markers: (a) (p) (ip)
      $w =~ tr/_/ /;
      push @words, $w;
    }
    # Hypernym pointers ("@", "@i" for instances) of the synset, for the "is a kind of" chain below.
    my $pointer_at = 4 + 2 * $count;
    my @hypernyms;
    for my $i (0 .. $f[$pointer_at] - 1) {
      my ($symbol, $offset) = @f[$pointer_at + 1 + 4 * $i, $pointer_at + 2 + 4 * $i];
      push @hypernyms, $offset if $symbol eq '@' || $symbol eq '@i';
    }
    $synsets{$pos}{$f[0]} = [\@words, $gloss, \@hypernyms];
    print $corpus join(', ', @words), ": $gloss\n";
  }
  close $fh;
}
close $corpus or die "wordnet.pl: write failed for $corpus_path: $!\n";

open my $out, '>', $entries_path or die "wordnet.pl: cannot write $entries_path: $!\n";
my %taken;
# The names of a synset's hypernyms, `levels` steps up ("muesli" -> breakfast food; food, solid food; ...).
sub kind_of {
  my ($pos, $synset, $levels) = @_;
  my (@names, %seen);
  my @frontier = @{ $synset->[2] };
  for (1 .. $levels) {
    my @next;
    for my $offset (@frontier) {
      next if $seen{$offset}++;
      my $parent = $synsets{$pos}{$offset} or next;
      my @words = @{ $parent->[0] };
      push @names, @words[0 .. min(1, $#words)];
      push @next, @{ $parent->[2] };
    }
    @frontier = @next;
  }
  return @names;
}

# The demo collection holds nouns: the things one searches a dictionary for.
for my $pos (qw(noun)) {
  my $path = "$wn/index.$pos";
  open my $fh, '<', $path or die "wordnet.pl: cannot read $path: $!\n";
  while (my $line = <$fh>) {
    next if $line =~ /^  /;
    my @f = split ' ', $line;
    my ($lemma, $synset_cnt, $p_cnt) = @f[0, 2, 3];
    my @offsets = @f[4 + $p_cnt + 2 .. $#f];               # after the pointers, sense_cnt, tagsense_cnt
    my @senses = map {
      $synsets{$pos}{$_} or die "wordnet.pl: $path: lemma '$lemma' points to missing synset $_\n"
    } @offsets;
    my $synset = $senses[0];
    (my $key = $lemma) =~ tr/_/ /;
    next if $taken{lc $key}++;
    # Show the lemma as the synset spells it (London, not london).
    my ($id) = grep { lc($_) eq lc($key) } @{ $synset->[0] };
    $id //= $key;
    # Embedding text: the first sense with its examples, then the definitions of senses 2 and 3,
    # so that a lemma whose sense 1 is narrow (queen: the insect; cereal: the grass) still
    # lands near its everyday meaning. metadata.definition is sense 1 only.
    # The hypernym chain (four steps) says what kind of thing it is, which a gloss often leaves implicit:
    # muesli's gloss never says "breakfast", its hypernym does.
    my @kinds = kind_of($pos, $synset, 4);
    my $text = join('; ', $synset->[1], map { definition_of($_->[1]) } @senses[1 .. min(2, $#senses)]);
    # The nearest kind is named once more at the end: it is the most telling word of the chain.
    $text .= '; a kind of ' . join(', ', @kinds) . "; $kinds[0]" if @kinds;
    print $out entry_json($id, $text, definition_of($synset->[1]), 'wordnet', $pos, $kinds[0]);
  }
  close $fh;
}

close $out or die "wordnet.pl: write failed for $entries_path: $!\n";
