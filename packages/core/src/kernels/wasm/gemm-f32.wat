;; Single-precision matrix product on packed panels with 128-bit SIMD, and the packing itself.
;;
;; C (row stride $ldc bytes) = A · B, where
;;   A is packed in panels of 4 rows:    panel ip holds k steps of 4 floats  [p][r]  (16·k bytes)
;;   B is packed in panels of 8 columns: panel jp holds k steps of 8 floats  [p][s]  (32·k bytes)
;; A 4×8 block of C lives in eight v128 registers while the k loop runs; each step loads two
;; vectors of B and broadcasts four floats of A straight from memory (v128.load32_splat, a
;; single load on x86), then does eight multiplies and eight adds.
;;
;; The k axis is cut into blocks of $kc steps: the B panel's slice (32·kc bytes) stays in L1
;; while all A panels of the call's row range stream past it from L2, and the C block is loaded
;; and added to after the first k block. Every C element is summed in the same order whatever
;; row and column ranges a call covers, so splitting the work over threads changes no bits.
;;
;; The memory is imported, so that several instances (one per thread) can share it; the build
;; also emits a copy whose memory is not shared, for hosts without SharedArrayBuffer.
(module
  (import "env" "memory" (memory 1 16384 shared))

  ;; C[ip0·4 .. ip1·4, jp0·8 .. jp1·8] = A·B over the whole k axis.
  (func (export "gemm")
    (param $pa i32) (param $pb i32) (param $pc i32) (param $ldc i32) (param $k i32) (param $kc i32)
    (param $ip0 i32) (param $ip1 i32) (param $jp0 i32) (param $jp1 i32)
    (local $p0 i32) (local $kl i32) (local $jp i32) (local $ip i32)
    (local $first i32) (local $bslice i32) (local $aslice i32) (local $cptr i32)
    (local.set $first (i32.const 1))
    (local.set $p0 (i32.const 0))
    (block $kdone (loop $kloop
      (br_if $kdone (i32.ge_u (local.get $p0) (local.get $k)))
      (local.set $kl (i32.sub (local.get $k) (local.get $p0)))
      (if (i32.gt_u (local.get $kl) (local.get $kc)) (then (local.set $kl (local.get $kc))))
      (local.set $jp (local.get $jp0))
      (block $jdone (loop $jloop
        (br_if $jdone (i32.ge_u (local.get $jp) (local.get $jp1)))
        (local.set $bslice (i32.add (local.get $pb)
          (i32.shl (i32.add (i32.mul (local.get $jp) (local.get $k)) (local.get $p0)) (i32.const 5))))
        (local.set $ip (local.get $ip0))
        (block $idone (loop $iloop
          (br_if $idone (i32.ge_u (local.get $ip) (local.get $ip1)))
          (local.set $aslice (i32.add (local.get $pa)
            (i32.shl (i32.add (i32.mul (local.get $ip) (local.get $k)) (local.get $p0)) (i32.const 4))))
          (local.set $cptr (i32.add (local.get $pc)
            (i32.add (i32.mul (i32.shl (local.get $ip) (i32.const 2)) (local.get $ldc))
                     (i32.shl (local.get $jp) (i32.const 5)))))
          (call $block4x8 (local.get $aslice) (local.get $bslice) (local.get $cptr) (local.get $ldc)
            (local.get $kl) (local.get $first))
          (local.set $ip (i32.add (local.get $ip) (i32.const 1)))
          (br $iloop)))
        (local.set $jp (i32.add (local.get $jp) (i32.const 1)))
        (br $jloop)))
      (local.set $first (i32.const 0))
      (local.set $p0 (i32.add (local.get $p0) (local.get $kc)))
      (br $kloop))))

  ;; One 4×8 block of C over $kl steps; $first: overwrite C, else add to it.
  (func $block4x8
    (param $ap i32) (param $bp i32) (param $cptr i32) (param $ldc i32) (param $kl i32) (param $first i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $a v128) (local $c i32)
    (if (i32.eqz (local.get $first)) (then
      (local.set $c (local.get $cptr))
      (local.set $c00 (v128.load (local.get $c)))
      (local.set $c01 (v128.load offset=16 (local.get $c)))
      (local.set $c (i32.add (local.get $c) (local.get $ldc)))
      (local.set $c10 (v128.load (local.get $c)))
      (local.set $c11 (v128.load offset=16 (local.get $c)))
      (local.set $c (i32.add (local.get $c) (local.get $ldc)))
      (local.set $c20 (v128.load (local.get $c)))
      (local.set $c21 (v128.load offset=16 (local.get $c)))
      (local.set $c (i32.add (local.get $c) (local.get $ldc)))
      (local.set $c30 (v128.load (local.get $c)))
      (local.set $c31 (v128.load offset=16 (local.get $c)))))
    (block $pdone (loop $ploop
      (br_if $pdone (i32.eqz (local.get $kl)))
      (local.set $b0 (v128.load (local.get $bp)))
      (local.set $b1 (v128.load offset=16 (local.get $bp)))
      (local.set $a (v128.load32_splat (local.get $ap)))
      (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $a) (local.get $b0))))
      (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $a) (local.get $b1))))
      (local.set $a (v128.load32_splat offset=4 (local.get $ap)))
      (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $a) (local.get $b0))))
      (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $a) (local.get $b1))))
      (local.set $a (v128.load32_splat offset=8 (local.get $ap)))
      (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $a) (local.get $b0))))
      (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $a) (local.get $b1))))
      (local.set $a (v128.load32_splat offset=12 (local.get $ap)))
      (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $a) (local.get $b0))))
      (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $a) (local.get $b1))))
      (local.set $ap (i32.add (local.get $ap) (i32.const 16)))
      (local.set $bp (i32.add (local.get $bp) (i32.const 32)))
      (local.set $kl (i32.sub (local.get $kl) (i32.const 1)))
      (br $ploop)))
    (local.set $c (local.get $cptr))
    (v128.store (local.get $c) (local.get $c00))
    (v128.store offset=16 (local.get $c) (local.get $c01))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (local.get $c10))
    (v128.store offset=16 (local.get $c) (local.get $c11))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (local.get $c20))
    (v128.store offset=16 (local.get $c) (local.get $c21))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (local.get $c30))
    (v128.store offset=16 (local.get $c) (local.get $c31)))

  ;; Packs a rows×k operand, element (r, p) at byte $src + 4·(r·$rs + p·$cs), into panels of
  ;; $w rows (4 or 8) at $dst, element (r, p) going to panel r/w, step p, lane r%w; the last
  ;; panel is padded with zeros. Two layouts have vector paths: rows contiguous along k
  ;; ($cs = 1: 4×4 blocks transposed in registers) and panels contiguous across rows ($rs = 1).
  (func (export "pack")
    (param $src i32) (param $rows i32) (param $k i32) (param $rs i32) (param $cs i32) (param $w i32) (param $dst i32)
    (local $full i32) (local $q i32) (local $r i32) (local $p i32) (local $s i32) (local $d i32)
    (local.set $full (i32.div_u (local.get $rows) (local.get $w)))
    (local.set $q (i32.const 0))
    (block $qdone (loop $qloop
      (br_if $qdone (i32.ge_u (local.get $q) (local.get $full)))
      (local.set $d (i32.add (local.get $dst) (i32.shl (i32.mul (i32.mul (local.get $q) (local.get $w)) (local.get $k)) (i32.const 2))))
      (local.set $s (i32.add (local.get $src) (i32.shl (i32.mul (i32.mul (local.get $q) (local.get $w)) (local.get $rs)) (i32.const 2))))
      (if (i32.eq (local.get $cs) (i32.const 1))
        (then
          (local.set $r (i32.const 0))
          (block $rdone (loop $rloop
            (br_if $rdone (i32.ge_u (local.get $r) (local.get $w)))
            (call $transpose4 (i32.add (local.get $s) (i32.shl (i32.mul (local.get $r) (local.get $rs)) (i32.const 2)))
              (local.get $rs) (local.get $k) (local.get $w) (i32.add (local.get $d) (i32.shl (local.get $r) (i32.const 2))))
            (local.set $r (i32.add (local.get $r) (i32.const 4)))
            (br $rloop))))
        (else (if (i32.eq (local.get $rs) (i32.const 1))
          (then (call $copyPanel (local.get $s) (local.get $cs) (local.get $k) (local.get $w) (local.get $d)))
          (else (call $packScalar (local.get $s) (local.get $w) (local.get $w) (local.get $k) (local.get $rs) (local.get $cs) (local.get $d))))))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br $qloop)))
    (if (i32.lt_u (i32.mul (local.get $full) (local.get $w)) (local.get $rows)) (then
      (call $packScalar
        (i32.add (local.get $src) (i32.shl (i32.mul (i32.mul (local.get $full) (local.get $w)) (local.get $rs)) (i32.const 2)))
        (i32.sub (local.get $rows) (i32.mul (local.get $full) (local.get $w))) (local.get $w) (local.get $k)
        (local.get $rs) (local.get $cs)
        (i32.add (local.get $dst) (i32.shl (i32.mul (i32.mul (local.get $full) (local.get $w)) (local.get $k)) (i32.const 2)))))))

  ;; Four rows (stride $rs floats, contiguous along k) into lanes 0..3 of a panel $w wide.
  (func $transpose4 (param $s i32) (param $rs i32) (param $k i32) (param $w i32) (param $d i32)
    (local $r1 i32) (local $r2 i32) (local $r3 i32) (local $p i32) (local $step i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $r1 (i32.add (local.get $s) (i32.shl (local.get $rs) (i32.const 2))))
    (local.set $r2 (i32.add (local.get $r1) (i32.shl (local.get $rs) (i32.const 2))))
    (local.set $r3 (i32.add (local.get $r2) (i32.shl (local.get $rs) (i32.const 2))))
    (local.set $step (i32.shl (local.get $w) (i32.const 2)))
    (local.set $p (i32.const 0))
    (block $done (loop $loop
      (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $k)))
      (local.set $x0 (v128.load (local.get $s)))
      (local.set $x1 (v128.load (local.get $r1)))
      (local.set $x2 (v128.load (local.get $r2)))
      (local.set $x3 (v128.load (local.get $r3)))
      ;; t0 = a0 b0 a1 b1, t1 = a2 b2 a3 b3, t2 = c0 d0 c1 d1, t3 = c2 d2 c3 d3
      (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x0) (local.get $x1)))
      (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x0) (local.get $x1)))
      (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x2) (local.get $x3)))
      (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x2) (local.get $x3)))
      (v128.store (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
      (local.set $d (i32.add (local.get $d) (local.get $step)))
      (v128.store (local.get $d) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
      (local.set $d (i32.add (local.get $d) (local.get $step)))
      (v128.store (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
      (local.set $d (i32.add (local.get $d) (local.get $step)))
      (v128.store (local.get $d) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
      (local.set $d (i32.add (local.get $d) (local.get $step)))
      (local.set $s (i32.add (local.get $s) (i32.const 16)))
      (local.set $r1 (i32.add (local.get $r1) (i32.const 16)))
      (local.set $r2 (i32.add (local.get $r2) (i32.const 16)))
      (local.set $r3 (i32.add (local.get $r3) (i32.const 16)))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $loop)))
    ;; the k % 4 last steps
    (block $tdone (loop $tloop
      (br_if $tdone (i32.ge_u (local.get $p) (local.get $k)))
      (f32.store (local.get $d) (f32.load (local.get $s)))
      (f32.store offset=4 (local.get $d) (f32.load (local.get $r1)))
      (f32.store offset=8 (local.get $d) (f32.load (local.get $r2)))
      (f32.store offset=12 (local.get $d) (f32.load (local.get $r3)))
      (local.set $d (i32.add (local.get $d) (local.get $step)))
      (local.set $s (i32.add (local.get $s) (i32.const 4)))
      (local.set $r1 (i32.add (local.get $r1) (i32.const 4)))
      (local.set $r2 (i32.add (local.get $r2) (i32.const 4)))
      (local.set $r3 (i32.add (local.get $r3) (i32.const 4)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $tloop))))

  ;; A panel whose $w rows are adjacent in memory at every step p (stride $cs floats).
  (func $copyPanel (param $s i32) (param $cs i32) (param $k i32) (param $w i32) (param $d i32)
    (local $stride i32)
    (local.set $stride (i32.shl (local.get $cs) (i32.const 2)))
    (block $done (loop $loop
      (br_if $done (i32.eqz (local.get $k)))
      (v128.store (local.get $d) (v128.load (local.get $s)))
      (if (i32.eq (local.get $w) (i32.const 8))
        (then (v128.store offset=16 (local.get $d) (v128.load offset=16 (local.get $s)))))
      (local.set $s (i32.add (local.get $s) (local.get $stride)))
      (local.set $d (i32.add (local.get $d) (i32.shl (local.get $w) (i32.const 2))))
      (local.set $k (i32.sub (local.get $k) (i32.const 1)))
      (br $loop))))

  ;; The general case, element by element: $n rows (≤ $w) into one panel, zeros in the rest.
  (func $packScalar (param $s i32) (param $n i32) (param $w i32) (param $k i32) (param $rs i32) (param $cs i32) (param $d i32)
    (local $p i32) (local $r i32) (local $row i32)
    (local.set $p (i32.const 0))
    (block $pdone (loop $ploop
      (br_if $pdone (i32.ge_u (local.get $p) (local.get $k)))
      (local.set $r (i32.const 0))
      (local.set $row (i32.add (local.get $s) (i32.shl (i32.mul (local.get $p) (local.get $cs)) (i32.const 2))))
      (block $rdone (loop $rloop
        (br_if $rdone (i32.ge_u (local.get $r) (local.get $w)))
        (f32.store (local.get $d)
          (if (result f32) (i32.lt_u (local.get $r) (local.get $n))
            (then (f32.load (i32.add (local.get $row) (i32.shl (i32.mul (local.get $r) (local.get $rs)) (i32.const 2)))))
            (else (f32.const 0))))
        (local.set $d (i32.add (local.get $d) (i32.const 4)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rloop)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $ploop))))
  ;; im2col of one image: image $x (C×H×W floats at byte $x) unfolds into rows r = (ch, ki, kj)
  ;; of a matrix at byte $cols whose rows are $ld floats apart, OH·OW columns per row; zeros
  ;; where the window hangs over padding. Stride-1 runs are copied four floats at a time.
  (func (export "im2col")
    (param $x i32) (param $cols i32) (param $ld i32) (param $c i32) (param $h i32) (param $w i32)
    (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32) (param $ph i32) (param $pw i32)
    (param $oh i32) (param $ow i32)
    (local $ch i32) (local $ki i32) (local $kj i32) (local $i i32) (local $y i32)
    (local $j0 i32) (local $j1 i32) (local $row i32) (local $dst i32) (local $src i32)
    (local.set $row (local.get $cols))
    (local.set $ch (i32.const 0))
    (block $cdone (loop $cloop
      (br_if $cdone (i32.ge_u (local.get $ch) (local.get $c)))
      (local.set $ki (i32.const 0))
      (block $kidone (loop $kiloop
        (br_if $kidone (i32.ge_u (local.get $ki) (local.get $kh)))
        (local.set $kj (i32.const 0))
        (block $kjdone (loop $kjloop
          (br_if $kjdone (i32.ge_u (local.get $kj) (local.get $kw)))
          (local.set $j0 (call $firstInside (local.get $kj) (local.get $sw) (local.get $pw) (local.get $ow)))
          (local.set $j1 (call $endInside (local.get $kj) (local.get $sw) (local.get $pw) (local.get $w) (local.get $ow) (local.get $j0)))
          (local.set $dst (local.get $row))
          (local.set $i (i32.const 0))
          (block $idone (loop $iloop
            (br_if $idone (i32.ge_u (local.get $i) (local.get $oh)))
            (local.set $y (i32.add (i32.sub (i32.mul (local.get $i) (local.get $sh)) (local.get $ph)) (local.get $ki)))
            (if (i32.or (i32.lt_s (local.get $y) (i32.const 0)) (i32.ge_s (local.get $y) (local.get $h)))
              (then (call $zero (local.get $dst) (local.get $ow)))
              (else
                (local.set $src (i32.add (local.get $x) (i32.shl
                  (i32.add (i32.mul (i32.add (i32.mul (local.get $ch) (local.get $h)) (local.get $y)) (local.get $w))
                           (i32.sub (local.get $kj) (local.get $pw))) (i32.const 2))))
                (call $zero (local.get $dst) (local.get $j0))
                (call $gather
                  (i32.add (local.get $dst) (i32.shl (local.get $j0) (i32.const 2)))
                  (i32.add (local.get $src) (i32.shl (i32.mul (local.get $j0) (local.get $sw)) (i32.const 2)))
                  (i32.sub (local.get $j1) (local.get $j0)) (local.get $sw))
                (call $zero (i32.add (local.get $dst) (i32.shl (local.get $j1) (i32.const 2))) (i32.sub (local.get $ow) (local.get $j1)))))
            (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $ow) (i32.const 2))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $iloop)))
          (local.set $row (i32.add (local.get $row) (i32.shl (local.get $ld) (i32.const 2))))
          (local.set $kj (i32.add (local.get $kj) (i32.const 1)))
          (br $kjloop)))
        (local.set $ki (i32.add (local.get $ki) (i32.const 1)))
        (br $kiloop)))
      (local.set $ch (i32.add (local.get $ch) (i32.const 1)))
      (br $cloop))))

  ;; The adjoint of im2col: adds the rows at $cols back into image $x (overlaps accumulate).
  (func (export "col2im")
    (param $x i32) (param $cols i32) (param $ld i32) (param $c i32) (param $h i32) (param $w i32)
    (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32) (param $ph i32) (param $pw i32)
    (param $oh i32) (param $ow i32)
    (local $ch i32) (local $ki i32) (local $kj i32) (local $i i32) (local $y i32)
    (local $j0 i32) (local $j1 i32) (local $row i32) (local $src i32) (local $dst i32)
    (local.set $row (local.get $cols))
    (local.set $ch (i32.const 0))
    (block $cdone (loop $cloop
      (br_if $cdone (i32.ge_u (local.get $ch) (local.get $c)))
      (local.set $ki (i32.const 0))
      (block $kidone (loop $kiloop
        (br_if $kidone (i32.ge_u (local.get $ki) (local.get $kh)))
        (local.set $kj (i32.const 0))
        (block $kjdone (loop $kjloop
          (br_if $kjdone (i32.ge_u (local.get $kj) (local.get $kw)))
          (local.set $j0 (call $firstInside (local.get $kj) (local.get $sw) (local.get $pw) (local.get $ow)))
          (local.set $j1 (call $endInside (local.get $kj) (local.get $sw) (local.get $pw) (local.get $w) (local.get $ow) (local.get $j0)))
          (local.set $src (local.get $row))
          (local.set $i (i32.const 0))
          (block $idone (loop $iloop
            (br_if $idone (i32.ge_u (local.get $i) (local.get $oh)))
            (local.set $y (i32.add (i32.sub (i32.mul (local.get $i) (local.get $sh)) (local.get $ph)) (local.get $ki)))
            (if (i32.and (i32.ge_s (local.get $y) (i32.const 0)) (i32.lt_s (local.get $y) (local.get $h)))
              (then
                (local.set $dst (i32.add (local.get $x) (i32.shl
                  (i32.add (i32.mul (i32.add (i32.mul (local.get $ch) (local.get $h)) (local.get $y)) (local.get $w))
                           (i32.sub (local.get $kj) (local.get $pw))) (i32.const 2))))
                (call $scatterAdd
                  (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $j0) (local.get $sw)) (i32.const 2)))
                  (i32.add (local.get $src) (i32.shl (local.get $j0) (i32.const 2)))
                  (i32.sub (local.get $j1) (local.get $j0)) (local.get $sw))))
            (local.set $src (i32.add (local.get $src) (i32.shl (local.get $ow) (i32.const 2))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $iloop)))
          (local.set $row (i32.add (local.get $row) (i32.shl (local.get $ld) (i32.const 2))))
          (local.set $kj (i32.add (local.get $kj) (i32.const 1)))
          (br $kjloop)))
        (local.set $ki (i32.add (local.get $ki) (i32.const 1)))
        (br $kiloop)))
      (local.set $ch (i32.add (local.get $ch) (i32.const 1)))
      (br $cloop))))

  ;; First output column whose input column j·sw − pw + kj is ≥ 0, at most ow.
  (func $firstInside (param $kj i32) (param $sw i32) (param $pw i32) (param $ow i32) (result i32)
    (local $need i32) (local $j i32)
    (local.set $need (i32.sub (local.get $pw) (local.get $kj)))
    (if (i32.le_s (local.get $need) (i32.const 0)) (then (return (i32.const 0))))
    (local.set $j (i32.div_u (i32.add (local.get $need) (i32.sub (local.get $sw) (i32.const 1))) (local.get $sw)))
    (if (result i32) (i32.gt_u (local.get $j) (local.get $ow)) (then (local.get $ow)) (else (local.get $j))))

  ;; One past the last output column whose input column is < w, at least $j0.
  (func $endInside (param $kj i32) (param $sw i32) (param $pw i32) (param $w i32) (param $ow i32) (param $j0 i32) (result i32)
    (local $lim i32) (local $j i32)
    (local.set $lim (i32.add (i32.sub (local.get $w) (i32.const 1)) (i32.sub (local.get $pw) (local.get $kj))))
    (if (i32.lt_s (local.get $lim) (i32.const 0)) (then (return (local.get $j0))))
    (local.set $j (i32.add (i32.div_u (local.get $lim) (local.get $sw)) (i32.const 1)))
    (if (i32.gt_u (local.get $j) (local.get $ow)) (then (local.set $j (local.get $ow))))
    (if (result i32) (i32.lt_u (local.get $j) (local.get $j0)) (then (local.get $j0)) (else (local.get $j))))

  (func $zero (param $dst i32) (param $n i32)
    (block $done (loop $loop
      (br_if $done (i32.lt_s (local.get $n) (i32.const 4)))
      (v128.store (local.get $dst) (v128.const i32x4 0 0 0 0))
      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
      (local.set $n (i32.sub (local.get $n) (i32.const 4)))
      (br $loop)))
    (block $done1 (loop $loop1
      (br_if $done1 (i32.le_s (local.get $n) (i32.const 0)))
      (f32.store (local.get $dst) (f32.const 0))
      (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $loop1))))

  ;; dst[j] = src[j·stride] for j < n.
  (func $gather (param $dst i32) (param $src i32) (param $n i32) (param $stride i32)
    (if (i32.eq (local.get $stride) (i32.const 1)) (then
      (block $done (loop $loop
        (br_if $done (i32.lt_s (local.get $n) (i32.const 4)))
        (v128.store (local.get $dst) (v128.load (local.get $src)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $n (i32.sub (local.get $n) (i32.const 4)))
        (br $loop)))))
    (local.set $stride (i32.shl (local.get $stride) (i32.const 2)))
    (block $done1 (loop $loop1
      (br_if $done1 (i32.le_s (local.get $n) (i32.const 0)))
      (f32.store (local.get $dst) (f32.load (local.get $src)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
      (local.set $src (i32.add (local.get $src) (local.get $stride)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $loop1))))

  ;; dst[j·stride] += src[j] for j < n.
  (func $scatterAdd (param $dst i32) (param $src i32) (param $n i32) (param $stride i32)
    (if (i32.eq (local.get $stride) (i32.const 1)) (then
      (block $done (loop $loop
        (br_if $done (i32.lt_s (local.get $n) (i32.const 4)))
        (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (v128.load (local.get $src))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $n (i32.sub (local.get $n) (i32.const 4)))
        (br $loop)))))
    (local.set $stride (i32.shl (local.get $stride) (i32.const 2)))
    (block $done1 (loop $loop1
      (br_if $done1 (i32.le_s (local.get $n) (i32.const 0)))
      (f32.store (local.get $dst) (f32.add (f32.load (local.get $dst)) (f32.load (local.get $src))))
      (local.set $dst (i32.add (local.get $dst) (local.get $stride)))
      (local.set $src (i32.add (local.get $src) (i32.const 4)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $loop1))))
)
