#!/usr/bin/perl
# WordNet 3.0 -> corpus lines and demo-collection entries.
#   wordnet.pl WORDNET_DIR CORPUS_OUT ENTRIES_OUT [GCIDE_DEFS]
# CORPUS_OUT:  one line per synset of data.{noun,verb,adj,adv}: "lemma, lemma: gloss".
#              The lemmas are kept so that a headword co-occurs with its definition.
# ENTRIES_OUT: JSON Lines {"id", "text", "metadata": {"definition", "source", "pos"}}, one per
#              lemma of index.{noun,verb,adj} (in that order) using its first, most frequent
#              sense; then GCIDE headwords WordNet lacks (GCIDE_DEFS: "headword<TAB>definition").
#              ids are unique ignoring case; the first occurrence wins.
use strict;
use warnings;
use List::Util qw(min);

my ($wn, $corpus_path, $entries_path, $gcide_defs) = @ARGV;
die "usage: wordnet.pl WORDNET_DIR CORPUS_OUT ENTRIES_OUT [GCIDE_DEFS]\n" unless defined $entries_path;

sub json_string {
  my ($s) = @_;
  $s =~ s/(["\\])/\\$1/g;
  $s =~ s/([\x00-\x1f\x7f])/sprintf('\\u%04x', ord $1)/ge;
  return qq("$s");
}
sub entry_json {
  my ($id, $text, $definition, $source, $pos) = @_;
  my $pos_json = defined $pos ? q(, "pos": ) . json_string($pos) : q();
  return q({"id": ) . json_string($id) . q(, "text": ) . json_string($text)
       . q(, "metadata": {"definition": ) . json_string($definition)
       . q(, "source": ) . json_string($source) . $pos_json . "}}\n";
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
    $synsets{$pos}{$f[0]} = [\@words, $gloss];
    print $corpus join(', ', @words), ": $gloss\n";
  }
  close $fh;
}
close $corpus or die "wordnet.pl: write failed for $corpus_path: $!\n";

open my $out, '>', $entries_path or die "wordnet.pl: cannot write $entries_path: $!\n";
my %taken;
for my $pos (qw(noun adj verb)) {
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
    my $text = join('; ', $synset->[1], map { definition_of($_->[1]) } @senses[1 .. min(2, $#senses)]);
    print $out entry_json($id, $text, definition_of($synset->[1]), 'wordnet', $pos);
  }
  close $fh;
}

if (defined $gcide_defs) {
  open my $fh, '<', $gcide_defs or die "wordnet.pl: cannot read $gcide_defs: $!\n";
  while (my $line = <$fh>) {
    chomp $line;
    my ($head, $def) = split /\t/, $line, 2;
    next unless defined $def && $head =~ /^[a-z][a-z0-9 '.-]*$/;
    next if $def =~ /^(?:See|Same as|Alt\. of|Plural of|pl\. of|imp\. (?:&|of)|p\. p\.|p\. pr\.|Obs\.)\b/i
         && split(' ', $def) <= 6;                          # bare cross references
    next if $taken{$head}++;
    print $out entry_json($head, $def, $def, "gcide");
  }
  close $fh;
}
close $out or die "wordnet.pl: write failed for $entries_path: $!\n";
