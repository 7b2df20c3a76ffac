<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>AutoLabelDialog</name>
    <message>
        <source>A class line has no name before the &apos;:&apos;.</source>
        <translation>「:」の前にクラス名がない行があります。</translation>
    </message>
    <message>
        <source>Give at least two classes, one per line.</source>
        <translation>クラスを 1 行に 1 つずつ、2 つ以上入力してください。</translation>
    </message>
    <message>
        <source>Give at least one prompt template.</source>
        <translation>プロンプトのテンプレートを 1 つ以上入力してください。</translation>
    </message>
    <message>
        <source>The minimum confidence must be between 0 and 100 %.</source>
        <translation>最低信頼度は 0〜100 % の範囲で指定してください。</translation>
    </message>
</context>
<context>
    <name>ErrorText</name>
    <message>
        <source>The model&apos;s settings are not usable (for example, sizes that do not fit together).</source>
        <translation>モデルの設定が使用できません（例：サイズの組み合わせが合っていません）。</translation>
    </message>
    <message>
        <source>The file or folder does not exist, or a file the model needs is missing.</source>
        <translation>ファイルまたはフォルダーが存在しないか、モデルに必要なファイルが見つかりません。</translation>
    </message>
    <message>
        <source>The file could not be read. Check that you may read it and that the disk works.</source>
        <translation>ファイルを読み込めませんでした。読み取り権限があること、ディスクが正常に動作していることを確認してください。</translation>
    </message>
    <message>
        <source>This is not a model file that DiffCLIP Studio can read, or it is damaged or truncated. Nothing in the file was run.</source>
        <translation>DiffCLIP Studio が読み込めるモデルファイルではないか、ファイルが壊れているか途中で切れています。ファイルの中身は一切実行していません。</translation>
    </message>
    <message>
        <source>The file is well-formed but uses something DiffCLIP Studio does not support.</source>
        <translation>ファイルの形式は正しいものの、DiffCLIP Studio が対応していない機能が使われています。</translation>
    </message>
    <message>
        <source>The weights do not fit the model&apos;s architecture: tensor shapes and configuration disagree.</source>
        <translation>重みがモデルの構成と合いません。テンソルの形状と設定が一致していません。</translation>
    </message>
    <message>
        <source>Opening the model was cancelled.</source>
        <translation>モデルを開く処理が取り消されました。</translation>
    </message>
    <message>
        <source>There is not enough memory to open this model.</source>
        <translation>このモデルを開くのに十分なメモリーがありません。</translation>
    </message>
    <message>
        <source>An unexpected error occurred. Please report it together with the details below.</source>
        <translation>予期しないエラーが発生しました。下記の詳細を添えてご報告ください。</translation>
    </message>
    <message>
        <source>A value given is not usable. Check the entries and try again.</source>
        <translation>指定された値が使用できません。入力内容を確認して、もう一度お試しください。</translation>
    </message>
    <message>
        <source>A file, folder, photo or model that is needed does not exist.</source>
        <translation>必要なファイル、フォルダー、写真、またはモデルが存在しません。</translation>
    </message>
    <message>
        <source>The library or a photo could not be read or written: another program may be writing to the library, the disk may be full, or you may lack permission. Nothing was lost.</source>
        <translation>ライブラリまたは写真の読み書きができませんでした。別のプログラムがライブラリに書き込み中か、ディスクがいっぱいか、権限がない可能性があります。データは失われていません。</translation>
    </message>
    <message>
        <source>The file is not a DiffCLIP library or is damaged. It was not changed.</source>
        <translation>このファイルは DiffCLIP のライブラリではないか、壊れています。ファイルは変更していません。</translation>
    </message>
    <message>
        <source>This library was made by a newer DiffCLIP Studio, or uses something this version does not support.</source>
        <translation>このライブラリは新しいバージョンの DiffCLIP Studio で作成されたか、このバージョンが対応していない機能を使っています。</translation>
    </message>
    <message>
        <source>The model does not fit the embeddings or settings stored in the library.</source>
        <translation>モデルが、ライブラリに保存されている埋め込みや設定と合いません。</translation>
    </message>
    <message>
        <source>The work was cancelled. What was finished before is kept.</source>
        <translation>処理は取り消されました。それまでに終わった分は保持されています。</translation>
    </message>
    <message>
        <source>There is not enough memory. Try a smaller batch size in Settings.</source>
        <translation>メモリが不足しています。設定でバッチサイズを小さくしてみてください。</translation>
    </message>
    <message>
        <source>The photo does not exist: it may have been moved, renamed or deleted.</source>
        <translation>写真が存在しません。移動、名前の変更、または削除された可能性があります。</translation>
    </message>
    <message>
        <source>The photo could not be read. Check that you may read it and that the disk works.</source>
        <translation>写真を読み込めませんでした。読み取り権限があること、ディスクが正常に動作していることを確認してください。</translation>
    </message>
    <message>
        <source>The file is not a photo that DiffCLIP Studio can read (JPEG, PNG, TIFF, WebP or BMP), or it is damaged or truncated. The details say what it was found to be.</source>
        <translation>このファイルは DiffCLIP Studio が読み込める写真（JPEG、PNG、TIFF、WebP、BMP）ではないか、壊れているか途中で切れています。実際のファイルの種類は詳細に示されています。</translation>
    </message>
    <message>
        <source>The photo is stored in a way DiffCLIP Studio does not support.</source>
        <translation>この写真は DiffCLIP Studio が対応していない方式で保存されています。</translation>
    </message>
    <message>
        <source>There is not enough memory to decode this photo.</source>
        <translation>この写真をデコードするのに十分なメモリがありません。</translation>
    </message>
    <message>
        <source>The photo does not exist any more, or it was moved.</source>
        <translation>写真がもう存在しないか、移動されました。</translation>
    </message>
    <message>
        <source>Something the search needs is missing from the library or the model.</source>
        <translation>検索に必要なものがライブラリまたはモデルにありません。</translation>
    </message>
    <message>
        <source>This file is not an image DiffCLIP Studio can read (JPEG, PNG, TIFF, WebP or BMP), or it is damaged or too large.</source>
        <translation>このファイルは DiffCLIP Studio が読み込める画像（JPEG、PNG、TIFF、WebP、BMP）ではないか、壊れているか大きすぎます。</translation>
    </message>
    <message>
        <source>A file could not be read, or the library is busy. Check the file and try again.</source>
        <translation>ファイルを読み込めなかったか、ライブラリが使用中です。ファイルを確認して、もう一度お試しください。</translation>
    </message>
    <message>
        <source>The model cannot search with this photo.</source>
        <translation>このモデルではこの写真で検索できません。</translation>
    </message>
    <message>
        <source>The model cannot search by text: it has no tokenizer.</source>
        <translation>このモデルはトークナイザーを持たないため、テキストで検索できません。</translation>
    </message>
    <message>
        <source>The search settings are not valid. Check the filters.</source>
        <translation>検索の設定が正しくありません。絞り込み条件を確認してください。</translation>
    </message>
    <message>
        <source>The library&apos;s photos were embedded by another model. Re-embed them with this one.</source>
        <translation>ライブラリの写真は別のモデルで埋め込まれています。このモデルで再埋め込みしてください。</translation>
    </message>
    <message>
        <source>There is not enough memory for this search.</source>
        <translation>この検索に必要なメモリが不足しています。</translation>
    </message>
    <message>
        <source>The search was cancelled.</source>
        <translation>検索は取り消されました。</translation>
    </message>
    <message>
        <source>The file could not be opened or read. Check that you may read it and that the disk works.</source>
        <translation>ファイルを開けないか、読み込めませんでした。読み取り権限があること、ディスクが正常に動作していることを確認してください。</translation>
    </message>
    <message>
        <source>The file is no longer there: it was moved, renamed or deleted.</source>
        <translation>ファイルがもうありません。移動、名前の変更、または削除されました。</translation>
    </message>
    <message>
        <source>The file is too large: over 1 GiB, or more pixels than photos may have.</source>
        <translation>ファイルが大きすぎます。1 GiB を超えているか、写真に許容されるピクセル数を超えています。</translation>
    </message>
    <message>
        <source>Not a photo format DiffCLIP Studio reads (JPEG, PNG, TIFF, WebP, BMP), or its start is damaged.</source>
        <translation>DiffCLIP Studio が読み込める写真の形式（JPEG、PNG、TIFF、WebP、BMP）ではないか、ファイルの先頭が壊れています。</translation>
    </message>
    <message>
        <source>The photo is damaged or incomplete, for example cut off while copying.</source>
        <translation>写真が壊れているか不完全です（コピー中に途切れた場合など）。</translation>
    </message>
    <message>
        <source>There was not enough memory to decode this photo.</source>
        <translation>この写真をデコードするのに十分なメモリがありませんでした。</translation>
    </message>
    <message>
        <source>The model could not prepare this photo as its input. Please report it with the details.</source>
        <translation>この写真をモデルの入力として準備できませんでした。詳細を添えてご報告ください。</translation>
    </message>
</context>
<context>
    <name>ExplainReport</name>
    <message>
        <source>Photo: %1</source>
        <translation>写真：%1</translation>
    </message>
    <message>
        <source>Comparison: %1</source>
        <translation>比較：%1</translation>
    </message>
    <message>
        <source>Pane %1: %2 (%3)</source>
        <translation>ペイン %1：%2（%3）</translation>
    </message>
    <message>
        <source>the layer does not apply (final tokens)</source>
        <translation>層は適用外（最終トークン）</translation>
    </message>
    <message>
        <source>layer %1</source>
        <translation>層 %1</translation>
    </message>
    <message>
        <source>opacity %1</source>
        <translation>不透明度 %1</translation>
    </message>
    <message>
        <source>Method: %1</source>
        <translation>手法：%1</translation>
    </message>
    <message>
        <source>Query: %1</source>
        <translation>クエリ：%1</translation>
    </message>
    <message>
        <source>Region (crop fraction): x %1–%2, y %3–%4</source>
        <translation>領域（切り抜きに対する割合）：x %1–%2、y %3–%4</translation>
    </message>
    <message>
        <source>Explain report</source>
        <translation>説明レポート</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>DiffCLIP Studio %1 · %2</source>
        <translation>DiffCLIP Studio %1 · %2</translation>
    </message>
    <message>
        <source>DiffCLIP Studio explain report</source>
        <translation>DiffCLIP Studio 説明レポート</translation>
    </message>
</context>
<context>
    <name>ExplainText</name>
    <message>
        <source>A1 − λA2</source>
        <translation>A1 − λA2</translation>
    </message>
    <message>
        <source>Attention</source>
        <translation>アテンション</translation>
    </message>
    <message>
        <source>Rollout</source>
        <translation>ロールアウト</translation>
    </message>
    <message>
        <source>Similarity to query</source>
        <translation>クエリとの類似度</translation>
    </message>
    <message>
        <source>Gradient × input</source>
        <translation>勾配 × 入力</translation>
    </message>
    <message>
        <source>Model A vs model B</source>
        <translation>モデル A とモデル B</translation>
    </message>
    <message>
        <source>A1 vs %1 (one DiffCLIP model)</source>
        <translation>A1 と %1（1 つの DiffCLIP モデル）</translation>
    </message>
    <message>
        <source>mean of heads</source>
        <translation>ヘッドの平均</translation>
    </message>
    <message>
        <source>max of heads</source>
        <translation>ヘッドの最大</translation>
    </message>
    <message>
        <source>head %1</source>
        <translation>ヘッド %1</translation>
    </message>
    <message>
        <source>A</source>
        <translation>A</translation>
    </message>
    <message>
        <source>B</source>
        <translation>B</translation>
    </message>
    <message>
        <source>A1</source>
        <translation>A1</translation>
    </message>
    <message>
        <source>%1, block %2, %3</source>
        <extracomment>%1 the attention matrix (A1, A1 − λA2 or A), %2 the block, %3 the heads</extracomment>
        <translation>%1、ブロック %2、%3</translation>
    </message>
    <message>
        <source>rollout of %1 to block %2, %3</source>
        <extracomment>%1 the attention matrix, %2 the last block rolled out, %3 the heads</extracomment>
        <translation>ブロック %2 までの %1 のロールアウト、%3</translation>
    </message>
    <message>
        <source>patch similarity to the query</source>
        <translation>クエリとのパッチ類似度</translation>
    </message>
    <message>
        <source>gradient × input at block %1</source>
        <translation>ブロック %1 の勾配 × 入力</translation>
    </message>
    <message>
        <source>A · %1: %2</source>
        <extracomment>%1 the model&apos;s short name, %2 the map</extracomment>
        <translation>A · %1：%2</translation>
    </message>
    <message>
        <source>B · %1: %2</source>
        <translation>B · %1：%2</translation>
    </message>
    <message>
        <source>%1; diverging scale %2 to %3, shared by both panes</source>
        <translation>%1：発散型スケール %2〜%3、両ペインで共通</translation>
    </message>
    <message>
        <source>%1; sequential scale %2 to %3, shared by both panes</source>
        <translation>%1：連続型スケール %2〜%3、両ペインで共通</translation>
    </message>
    <message>
        <source> of the 1 photo of the folder</source>
        <translation>（フォルダー内の 1 枚の写真を通じて）</translation>
    </message>
    <message numerus="yes">
        <source> of all %n photos of the folder</source>
        <translation>
            <numerusform>（フォルダー内の全 %n 枚の写真を通じて）</numerusform>
        </translation>
    </message>
    <message>
        <source>; query: “%1”</source>
        <translation>、クエリ：「%1」</translation>
    </message>
    <message>
        <source>; query: %1</source>
        <translation>、クエリ：%1</translation>
    </message>
</context>
<context>
    <name>PocReport</name>
    <message>
        <source>Hit@5 per week with its 95% interval</source>
        <translation>週ごとの Hit@5 と 95% 区間</translation>
    </message>
    <message>
        <source>ISO week</source>
        <translation>ISO 週</translation>
    </message>
    <message>
        <source>Hit@5 (%)</source>
        <translation>Hit@5 (%)</translation>
    </message>
    <message>
        <source>Top-1 on the held-out photos by labelled photos per class</source>
        <translation>クラスあたりのラベル付き写真の数と検証用写真での top-1</translation>
    </message>
    <message>
        <source>Labelled photos per class</source>
        <translation>クラスあたりのラベル付き写真</translation>
    </message>
    <message>
        <source>Top-1 (%)</source>
        <translation>Top-1 (%)</translation>
    </message>
    <message numerus="yes">
        <source>putting the right defect in the top %n</source>
        <translation>
            <numerusform>正解の不良を上位 %n 件に入れること</numerusform>
        </translation>
    </message>
    <message>
        <source>the rank of the first right defect (MRR)</source>
        <translation>最初の正解の順位（MRR）</translation>
    </message>
    <message>
        <source>ranking all right defects high (mAP)</source>
        <translation>すべての正解を上位に並べること（mAP）</translation>
    </message>
    <message>
        <source>p &lt; 0.001</source>
        <translation>p &lt; 0.001</translation>
    </message>
    <message>
        <source>p = %1</source>
        <translation>p = %1</translation>
    </message>
    <message>
        <source> (Holm)</source>
        <translation>（Holm）</translation>
    </message>
    <message>
        <source>Cannot tell “%1” and “%2” apart on %3: “%2” − “%1” = %4 points (95% CI %5 to %6), %7.</source>
        <translation>%3 では「%1」と「%2」の差は見分けられません：「%2」−「%1」= %4 ポイント（95% 信頼区間 %5 〜 %6）、%7。</translation>
    </message>
    <message>
        <source>“%1” is better than “%2” at %3: %4 points (95% CI %5 to %6), %7.</source>
        <translation>%3 では「%1」が「%2」より優れています：%4 ポイント（95% 信頼区間 %5 〜 %6）、%7。</translation>
    </message>
    <message numerus="yes">
        <source>On “%1”: %2 points (%n queries).</source>
        <translation>
            <numerusform>「%1」では %2 ポイント（クエリ %n 件）。</numerusform>
        </translation>
    </message>
    <message>
        <source>PoC report</source>
        <translation>PoC 報告書</translation>
    </message>
    <message>
        <source>Proof-of-concept report</source>
        <translation>概念実証（PoC）報告書</translation>
    </message>
    <message>
        <source>Library %1 · period %2 to %3 · %4 photos, %5 labelled · made %6 by %7</source>
        <translation>ライブラリ %1 · 期間 %2〜%3 · 写真 %4 枚、ラベル付き %5 枚 · 作成 %6（%7）</translation>
    </message>
    <message>
        <source>No search has been judged in this period yet: the hit rates need inspectors to mark the right hit (or “none right”) after their searches.</source>
        <translation>この期間にはまだ判定された検索がありません。ヒット率には、検査者が検索のあとで正しいヒット（または「正解なし」）を付ける必要があります。</translation>
    </message>
    <message numerus="yes">
        <source>In %n judged searches, the right past defect was among the first five results in %1 % of them (95% interval %2 to %3 %) and first in %4 %.</source>
        <translation>
            <numerusform>判定された %n 件の検索のうち %1 %（95% 区間 %2〜%3 %）で正しい過去の不良が上位5件に入り、%4 % で1位でした。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Hit@5 fell significantly over the last %n days (p = %1): find out what changed before deciding.</source>
        <translation>
            <numerusform>直近 %n 日で Hit@5 が有意に下がりました（p = %1）。判断の前に何が変わったかを調べてください。</numerusform>
        </translation>
    </message>
    <message>
        <source>Recently added photos differ from the earlier ones (p = %1): the rates measured before may not hold for them.</source>
        <translation>最近追加された写真はそれ以前の写真と異なります（p = %1）。以前に測ったヒット率がそれらに当てはまらないかもしれません。</translation>
    </message>
    <message>
        <source>With the plant&apos;s own figures the tool saves about %1 hours a month</source>
        <translation>工場の数値では、このツールで月に約 %1 時間短縮でき</translation>
    </message>
    <message>
        <source> and pays back the investment in %1 months.</source>
        <translation>、投資を %1 か月で回収できます。</translation>
    </message>
    <message>
        <source>; it does not pay back the investment at this rate.</source>
        <translation>ますが、この割合では投資を回収できません。</translation>
    </message>
    <message>
        <source>About %1 labelled photos per class reach %2 % top-1 in the data-needs study.</source>
        <translation>必要な写真数の調査では、クラスあたり約 %1 枚のラベル付き写真で top-1 %2 % に届きます。</translation>
    </message>
    <message>
        <source>The data-needs study does not reach %1 % top-1 within twice the photos it measured.</source>
        <translation>必要な写真数の調査では、測った枚数の2倍までに top-1 %1 % に届きません。</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>判定</translation>
    </message>
    <message>
        <source>Approved by: ______________________  Date: ____________</source>
        <translation>承認者：______________________  日付：____________</translation>
    </message>
    <message>
        <source>How often the right past defect is found</source>
        <translation>過去の不良が正しく見つかる頻度</translation>
    </message>
    <message>
        <source>All searches</source>
        <translation>すべての検索</translation>
    </message>
    <message>
        <source>(label unknown)</source>
        <translation>（ラベル不明）</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>グループ</translation>
    </message>
    <message>
        <source>Searches</source>
        <translation>検索数</translation>
    </message>
    <message>
        <source>Judged</source>
        <translation>判定済み</translation>
    </message>
    <message>
        <source>Hit@1 (95% CI)</source>
        <translation>Hit@1（95% 区間）</translation>
    </message>
    <message>
        <source>Hit@5 (95% CI)</source>
        <translation>Hit@5（95% 区間）</translation>
    </message>
    <message>
        <source>Hit@10 (95% CI)</source>
        <translation>Hit@10（95% 区間）</translation>
    </message>
    <message>
        <source>Hit@K: the share of judged searches whose first right hit was within the first K results; the interval is the 95% Wilson score interval. “No confident match” answers: %1 % of %2 photo searches. Searches per day: %3. Median time from a search to its first “right”: %4.</source>
        <translation>Hit@K：最初の正しいヒットが上位 K 件以内だった判定済み検索の割合。区間は 95% ウィルソンスコア区間です。「確信できる一致なし」の回答：写真検索 %2 件の %1 %。1日あたりの検索数：%3。検索から最初の「正解」までの時間の中央値：%4。</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>Monitoring</source>
        <translation>監視</translation>
    </message>
    <message numerus="yes">
        <source>Not enough judged searches in the last %n days and the days before to test a change.</source>
        <translation>
            <numerusform>直近 %n 日とその前の期間の判定済み検索が少なく、変化を検定できません。</numerusform>
        </translation>
    </message>
    <message>
        <source>Hit@5 over the last %1 days: %2 of %3; the %1 days before: %4 of %5; one-sided Fisher test p = %6%7.</source>
        <translation>直近 %1 日の Hit@5：%3 件中 %2 件、その前の %1 日：%5 件中 %4 件。片側フィッシャー検定 p = %6%7。</translation>
    </message>
    <message>
        <source>: a significant drop</source>
        <translation>：有意な低下</translation>
    </message>
    <message>
        <source>: no significant drop</source>
        <translation>：有意な低下なし</translation>
    </message>
    <message>
        <source>Photo drift: not tested (fewer than 10 photos on a side: %1 recent, %2 earlier).</source>
        <translation>写真のドリフト：未検定（一方が 10 枚未満：最近 %1 枚、それ以前 %2 枚）。</translation>
    </message>
    <message>
        <source>Photo drift (MMD test on the embeddings of %1): %2 recent against %3 earlier photos, p = %4%5.</source>
        <translation>写真のドリフト（%1 の埋め込みでの MMD 検定）：最近の写真 %2 枚とそれ以前の %3 枚、p = %4%5。</translation>
    </message>
    <message>
        <source>: they differ</source>
        <translation>：違いあり</translation>
    </message>
    <message>
        <source>: no difference shown</source>
        <translation>：違いは示されず</translation>
    </message>
    <message>
        <source>Speed and cost</source>
        <translation>速度と費用</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <source>Days</source>
        <translation>日数</translation>
    </message>
    <message>
        <source>Worst daily p50 (ms)</source>
        <translation>日ごとの p50 の最大（ms）</translation>
    </message>
    <message>
        <source>Worst daily p95 (ms)</source>
        <translation>日ごとの p95 の最大（ms）</translation>
    </message>
    <message>
        <source>Mean time of a search as the user waited (decode, embed, search): %1 s.</source>
        <translation>利用者が待った検索1回の平均時間（読み込み、埋め込み、検索）：%1 秒。</translation>
    </message>
    <message>
        <source>Minutes a lookup took before (the plant&apos;s time study)</source>
        <translation>導入前の1回の調べ物の時間（分、工場の時間調査）</translation>
    </message>
    <message>
        <source>Hourly rate</source>
        <translation>時給</translation>
    </message>
    <message>
        <source>Power of the search PC (W)</source>
        <translation>検索用 PC の消費電力（W）</translation>
    </message>
    <message>
        <source>Electricity price per kWh</source>
        <translation>1 kWh あたりの電気料金</translation>
    </message>
    <message>
        <source>Investment</source>
        <translation>投資額</translation>
    </message>
    <message>
        <source>Searches per month</source>
        <translation>月あたりの検索数</translation>
    </message>
    <message>
        <source>Lookups with a right hit per month</source>
        <translation>月あたりの正しいヒットのあった調べ物</translation>
    </message>
    <message>
        <source>Median task time (minutes)</source>
        <translation>作業時間の中央値（分）</translation>
    </message>
    <message>
        <source>Minutes saved per lookup</source>
        <translation>調べ物1回あたりの短縮時間（分）</translation>
    </message>
    <message>
        <source>Hours saved per month</source>
        <translation>月あたりの短縮時間</translation>
    </message>
    <message>
        <source>Money saved per month</source>
        <translation>月あたりの節約額</translation>
    </message>
    <message>
        <source>Electricity per 1,000 searches</source>
        <translation>1,000 検索あたりの電気代</translation>
    </message>
    <message>
        <source>Electricity per month</source>
        <translation>月あたりの電気代</translation>
    </message>
    <message>
        <source>Payback (months)</source>
        <translation>回収期間（か月）</translation>
    </message>
    <message>
        <source>Time and money</source>
        <translation>時間と費用</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>指標</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>値</translation>
    </message>
    <message>
        <source>docs/POC.md, “Time and money”, says how each figure is computed.</source>
        <translation>各指標の計算方法は docs/POC.md の「Time and money」にあります。</translation>
    </message>
    <message>
        <source>Two models compared on the library&apos;s labelled photos</source>
        <translation>ライブラリのラベル付き写真で比べた2つのモデル</translation>
    </message>
    <message numerus="yes">
        <source>A: %1 · B: %2 · %n queries (labelled photos both have embedded), %3 bootstrap resamples.</source>
        <translation>
            <numerusform>A：%1 · B：%2 · クエリ %n 件（両方が埋め込んだラベル付き写真）、ブートストラップ再標本 %3 回。</numerusform>
        </translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>指標</translation>
    </message>
    <message>
        <source>Queries</source>
        <translation>クエリ数</translation>
    </message>
    <message>
        <source>A (95% CI)</source>
        <translation>A（95% 信頼区間）</translation>
    </message>
    <message>
        <source>B (95% CI)</source>
        <translation>B（95% 信頼区間）</translation>
    </message>
    <message>
        <source>B − A, points (95% CI)</source>
        <translation>B − A、ポイント（95% 信頼区間）</translation>
    </message>
    <message>
        <source>p (Holm)</source>
        <translation>p（Holm）</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>クラス</translation>
    </message>
    <message>
        <source>%1: B − A</source>
        <translation>%1：B − A</translation>
    </message>
    <message>
        <source>Per class (points)</source>
        <translation>クラスごと（ポイント）</translation>
    </message>
    <message>
        <source>No comparison in this report: name two models that have embedded the library&apos;s photos (diffclip report --models A,B, or two models in the library for the PoC page).</source>
        <translation>この報告書には比較がありません。ライブラリの写真を埋め込んだ2つのモデルを指定してください（diffclip report --models A,B、PoC ページではライブラリ内の2つのモデル）。</translation>
    </message>
    <message>
        <source>The comparison could not be made: %1</source>
        <translation>比較できませんでした：%1</translation>
    </message>
    <message>
        <source>How many labelled photos are needed</source>
        <translation>必要なラベル付き写真の数</translation>
    </message>
    <message>
        <source>Not in this report: run “Photos Needed…” on the PoC page or diffclip study data-needs --json, and give its result (diffclip report --data-needs FILE).</source>
        <translation>この報告書にはありません。PoC ページの「必要な写真数…」または diffclip study data-needs --json を実行し、その結果を渡してください（diffclip report --data-needs FILE）。</translation>
    </message>
    <message>
        <source>Mode %1 (%2); top-1 on %3 held-out photos; each size trained on several random draws.</source>
        <translation>方式 %1（%2）。検証用写真 %3 枚での top-1。各枚数で何回か無作為に選んで学習。</translation>
    </message>
    <message>
        <source>all</source>
        <translation>all</translation>
    </message>
    <message>
        <source>Asked per class</source>
        <translation>指定枚数/クラス</translation>
    </message>
    <message>
        <source>Trained per class</source>
        <translation>学習枚数/クラス</translation>
    </message>
    <message>
        <source>Draws</source>
        <translation>回数</translation>
    </message>
    <message>
        <source>Top-1 %</source>
        <translation>Top-1 %</translation>
    </message>
    <message>
        <source>95% interval</source>
        <translation>95% 区間</translation>
    </message>
    <message>
        <source>Models in the library</source>
        <translation>ライブラリのモデル</translation>
    </message>
    <message>
        <source>Weights fingerprint (SHA-256, first 16)</source>
        <translation>重みの指紋（SHA-256、先頭 16 文字）</translation>
    </message>
    <message>
        <source>Photos embedded</source>
        <translation>埋め込んだ写真</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>学習</translation>
    </message>
    <message>
        <source>Machine</source>
        <translation>マシン</translation>
    </message>
    <message>
        <source>Processor: %1, %2 logical cores</source>
        <translation>プロセッサー：%1、論理コア %2</translation>
    </message>
    <message>
        <source>System: %1</source>
        <translation>システム：%1</translation>
    </message>
    <message>
        <source>Qt %1</source>
        <translation>Qt %1</translation>
    </message>
    <message>
        <source>docs/POC.md says how every figure in this report is computed.</source>
        <translation>この報告書の各指標の計算方法は docs/POC.md にあります。</translation>
    </message>
    <message>
        <source>Where the model looks: example searches</source>
        <translation>モデルが見ている場所：検索の例</translation>
    </message>
    <message>
        <source>No example in this report: %1</source>
        <translation>この報告書には例がありません：%1</translation>
    </message>
    <message>
        <source>Judged searches whose right hit was found, explained with %1: the photo as the model saw it, the attention of its last block (A1) and the differential map A1 − λA2 on one colour scale. Top 10 %: the share of the map in its 10 % strongest patches (higher: more focused).</source>
        <translation>正しいヒットが見つかった判定済みの検索を %1 で説明します：モデルが見た写真、最後のブロックの注意（A1）、差分マップ A1 − λA2 を共通の色スケールで示します。上位 10 %：マップのうち最も強い 10 % のパッチが占める割合（高いほど集中）。</translation>
    </message>
    <message>
        <source>%1 · right hit at rank %2 (%3) · top 10 %: A1 %4 %, A1 − λA2 %5 % · normalised entropy: A1 %6, A1 − λA2 %7</source>
        <translation>%1 · 正しいヒットは %2 位（%3）· 上位 10 %：A1 %4 %、A1 − λA2 %5 % · 正規化エントロピー：A1 %6、A1 − λA2 %7</translation>
    </message>
    <message>
        <source>label unknown</source>
        <translation>ラベル不明</translation>
    </message>
    <message>
        <source>Inside the defect&apos;s mask: A1 %1 %, A1 − λA2 %2 % of the map.</source>
        <translation>不良のマスクの内側：マップの A1 %1 %、A1 − λA2 %2 %。</translation>
    </message>
    <message>
        <source>%1 training (%2 preset, learning rate %3, seed %4), %5 epochs, validation top-1 %6 %, start: %7</source>
        <translation>%1 学習（%2 プリセット、学習率 %3、シード %4）、%5 エポック、検証 top-1 %6 %、開始点：%7</translation>
    </message>
</context>
<context>
    <name>RegistryJobs</name>
    <message>
        <source>Storing %1 as the active model of %2</source>
        <translation>%1 を %2 の有効なモデルとして保存しています</translation>
    </message>
    <message>
        <source>Active model changed; the library is reopened with it</source>
        <translation>有効なモデルを変更しました。このモデルでライブラリを開き直します</translation>
    </message>
    <message numerus="yes">
        <source>Removed %n embedding(s) from the library</source>
        <translation>
            <numerusform>ライブラリから %n 件の埋め込みを削除しました</numerusform>
        </translation>
    </message>
    <message>
        <source>Deleted %1</source>
        <translation>%1 を削除しました</translation>
    </message>
    <message>
        <source>Reading and checking %1</source>
        <translation>%1 を読み込んで確認しています</translation>
    </message>
    <message>
        <source>Cancelled; nothing was added to the registry.</source>
        <translation>取り消されました。レジストリには何も追加されていません。</translation>
    </message>
    <message>
        <source>Added %1 to the registry</source>
        <translation>%1 をレジストリに追加しました</translation>
    </message>
</context>
<context>
    <name>SearchResultsModel</name>
    <message>
        <source>The file is missing.</source>
        <translation>ファイルが見つかりません。</translation>
    </message>
    <message>
        <source>Not a readable image.</source>
        <translation>読み込める画像ではありません。</translation>
    </message>
    <message>
        <source>The image is too large to show.</source>
        <translation>画像が大きすぎて表示できません。</translation>
    </message>
</context>
<context>
    <name>TrainingText</name>
    <message>
        <source>The data or the settings cannot be used for training. The details say which.</source>
        <translation>このデータまたは設定では学習できません。詳細に理由が示されています。</translation>
    </message>
    <message>
        <source>A folder or model was not found. Check the data folder and the base model.</source>
        <translation>フォルダーまたはモデルが見つかりません。データフォルダーとベースモデルを確認してください。</translation>
    </message>
    <message>
        <source>A checkpoint with this output name belongs to other settings or data. Choose another output name, or remove the checkpoint folder named in the details.</source>
        <translation>この出力名のチェックポイントは別の設定またはデータのものです。別の出力名を選ぶか、詳細に示されたチェックポイントフォルダーを削除してください。</translation>
    </message>
    <message>
        <source>Writing the model or its checkpoint failed. Check the free space and permissions of the model folder.</source>
        <translation>モデルまたはチェックポイントを書き込めませんでした。モデルフォルダーの空き容量と権限を確認してください。</translation>
    </message>
    <message>
        <source>Training ran out of memory. Choose the quick preset, a smaller architecture or the CPU.</source>
        <translation>学習中にメモリが不足しました。クイックプリセット、より小さいアーキテクチャ、または CPU を選んでください。</translation>
    </message>
    <message>
        <source>Iteration %1 of %2</source>
        <translation>反復 %1 / %2</translation>
    </message>
    <message>
        <source>Epoch %1 of %2</source>
        <translation>エポック %1 / %2</translation>
    </message>
    <message>
        <source>loss %1</source>
        <translation>損失 %1</translation>
    </message>
    <message>
        <source>validation top-1 %1</source>
        <translation>検証 top-1 %1</translation>
    </message>
    <message>
        <source>%1 photos/s</source>
        <translation>%1 枚/秒</translation>
    </message>
    <message>
        <source>elapsed %1</source>
        <translation>経過 %1</translation>
    </message>
    <message>
        <source>about %1 left</source>
        <translation>残り約 %1</translation>
    </message>
    <message>
        <source>Differential attention</source>
        <translation>差分アテンション</translation>
    </message>
    <message>
        <source>Standard attention</source>
        <translation>標準アテンション</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::AddPhotosDialog</name>
    <message>
        <source>Add Photos</source>
        <translation>写真の追加</translation>
    </message>
    <message>
        <source>Folder to add</source>
        <translation>追加するフォルダー</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <source>Choose the folder to add</source>
        <translation>追加するフォルダーを選ぶ</translation>
    </message>
    <message>
        <source>Folder of Photos</source>
        <translation>写真のフォルダー</translation>
    </message>
    <message>
        <source>Use the names of the folders as labels (one folder per class)</source>
        <translation>フォルダー名をラベルとして使う（クラスごとに 1 フォルダー）</translation>
    </message>
    <message>
        <source>Metadata CSV file</source>
        <translation>メタデータ CSV ファイル</translation>
    </message>
    <message>
        <source>optional: path,product,line,lot,date,inspector,notes</source>
        <translation>省略可：path,product,line,lot,date,inspector,notes</translation>
    </message>
    <message>
        <source>Choose the metadata CSV file</source>
        <translation>メタデータ CSV ファイルを選ぶ</translation>
    </message>
    <message>
        <source>Metadata CSV</source>
        <translation>メタデータ CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV ファイル (*.csv);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>&amp;Folder:</source>
        <translation>フォルダー(&amp;F)：</translation>
    </message>
    <message>
        <source>&amp;Metadata CSV:</source>
        <translation>メタデータ CSV(&amp;M)：</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>追加</translation>
    </message>
    <message>
        <source>Type or choose the folder of photos to add.</source>
        <translation>追加する写真のフォルダーを入力するか選んでください。</translation>
    </message>
    <message>
        <source>The folder “%1” does not exist. Check the path, or choose the folder with Browse.</source>
        <translation>フォルダー「%1」は存在しません。パスを確認するか、「参照…」でフォルダーを選んでください。</translation>
    </message>
    <message>
        <source>“%1” is a file, not a folder.</source>
        <translation>「%1」はフォルダーではなくファイルです。</translation>
    </message>
    <message>
        <source>You may not read the folder “%1”.</source>
        <translation>フォルダー「%1」を読み取る権限がありません。</translation>
    </message>
    <message>
        <source>The metadata CSV “%1” does not exist.</source>
        <translation>メタデータ CSV「%1」は存在しません。</translation>
    </message>
    <message>
        <source>“%1” is a folder, not a CSV file.</source>
        <translation>「%1」は CSV ファイルではなくフォルダーです。</translation>
    </message>
    <message>
        <source>You may not read the metadata CSV “%1”.</source>
        <translation>メタデータ CSV「%1」を読み取る権限がありません。</translation>
    </message>
    <message>
        <source>The first line of “%1” names no “path” or “file” column, so its rows cannot be matched to photos.</source>
        <translation>「%1」の 1 行目に「path」列も「file」列もないため、各行を写真と対応付けられません。</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::AutoLabelDialog</name>
    <message>
        <source>Auto-Label</source>
        <translation>自動ラベル付け</translation>
    </message>
    <message>
        <source>Each photo gets the class whose prompts its picture matches best (zero-shot, from the stored embeddings). Labels set by hand or taken from folders always take precedence.</source>
        <translation>各写真に、画像が最もよく一致するプロンプトのクラスを付けます（保存済みの埋め込みによるゼロショット）。手作業やフォルダーから付けたラベルが常に優先されます。</translation>
    </message>
    <message>
        <source>Classes and their prompts</source>
        <translation>クラスとそのプロンプト</translation>
    </message>
    <message>
        <source>One class per line: &quot;name&quot; or &quot;name: prompt text; another prompt&quot;. Lines starting with # are ignored.</source>
        <translation>1 行に 1 クラス：「名前」または「名前: プロンプト文; 別のプロンプト」。# で始まる行は無視されます。</translation>
    </message>
    <message>
        <source>Use the Library&apos;s Classes</source>
        <translation>ライブラリのクラスを使う</translation>
    </message>
    <message>
        <source>Prompt templates</source>
        <translation>プロンプトのテンプレート</translation>
    </message>
    <message>
        <source>One template per line; {} is replaced by each prompt text. A class&apos;s embedding is the mean over its prompts and these templates.</source>
        <translation>1 行に 1 テンプレート。{} は各プロンプト文に置き換えられます。クラスの埋め込みは、そのプロンプトとこれらのテンプレートの平均です。</translation>
    </message>
    <message>
        <source>Default Templates</source>
        <translation>既定のテンプレート</translation>
    </message>
    <message>
        <source>Minimum confidence</source>
        <translation>最低信頼度</translation>
    </message>
    <message>
        <source>Photos whose best class is less probable than this keep no label.</source>
        <translation>最も確率の高いクラスでもこの値に満たない写真には、ラベルを付けません。</translation>
    </message>
    <message>
        <source>Only photos without a label</source>
        <translation>ラベルのない写真のみ</translation>
    </message>
    <message>
        <source>&amp;Classes:</source>
        <translation>クラス(&amp;C):</translation>
    </message>
    <message>
        <source>&amp;Templates:</source>
        <translation>テンプレート(&amp;T):</translation>
    </message>
    <message>
        <source>&amp;Minimum confidence:</source>
        <translation>最低信頼度(&amp;M):</translation>
    </message>
    <message>
        <source>Label Photos</source>
        <translation>ラベルを付ける</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::CompareModelsDialog</name>
    <message>
        <source>Compare Two Models</source>
        <translation>2つのモデルを比較</translation>
    </message>
    <message>
        <source>The library&apos;s models with embeddings. Both rank the same labelled photos: the photos both have embedded.</source>
        <translation>埋め込みのあるライブラリのモデル。両方のモデルが同じラベル付き写真（両方が埋め込み済みの写真）を順位付けします。</translation>
    </message>
    <message>
        <source>Bootstrap resamples for the 95% intervals (and random sign flips of the randomization test above 20 queries). The same number gives the same figures.</source>
        <translation>95% 区間のためのブートストラップ再標本の数（20件を超えるクエリでは並べ替え検定のランダムな符号反転の数も）。同じ数なら同じ結果になります。</translation>
    </message>
    <message>
        <source>Model &amp;A:</source>
        <translation>モデル A(&amp;A)：</translation>
    </message>
    <message>
        <source>Model &amp;B:</source>
        <translation>モデル B(&amp;B)：</translation>
    </message>
    <message>
        <source>&amp;Resamples:</source>
        <translation>再標本数(&amp;R)：</translation>
    </message>
    <message>
        <source>Compare the two models</source>
        <translation>2つのモデルを比較</translation>
    </message>
    <message>
        <source>Leave-one-out search over the labelled photos with each model, then the paired statistics (docs/POC.md).</source>
        <translation>各モデルでラベル付き写真を1枚ずつ除いて検索し、対応のある統計を計算します（docs/POC.md）。</translation>
    </message>
    <message>
        <source>Comparing</source>
        <translation>比較中</translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>指標</translation>
    </message>
    <message>
        <source>Queries</source>
        <translation>クエリ数</translation>
    </message>
    <message>
        <source>A (95% CI)</source>
        <translation>A（95% 信頼区間）</translation>
    </message>
    <message>
        <source>B (95% CI)</source>
        <translation>B（95% 信頼区間）</translation>
    </message>
    <message>
        <source>B − A, points (95% CI)</source>
        <translation>B − A、ポイント（95% 信頼区間）</translation>
    </message>
    <message>
        <source>p</source>
        <translation>p</translation>
    </message>
    <message>
        <source>hit@K: exact McNemar test on the queries only one model hits, in brackets Holm-adjusted over the K values; MRR and mAP: paired randomization test. Per class only for classes of 10 queries or more.</source>
        <translation>hit@K：片方のモデルだけが当てたクエリでの正確な McNemar 検定（括弧内は K 値についての Holm 補正）。MRR と mAP：対応のある並べ替え検定。クラス別は10件以上のクエリがあるクラスのみ。</translation>
    </message>
    <message>
        <source>Could not list the library&apos;s models: %1</source>
        <translation>ライブラリのモデルを一覧にできませんでした：%1</translation>
    </message>
    <message numerus="yes">
        <source>%1 (%n photos)</source>
        <translation>
            <numerusform>%1（%n 枚）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Comparing needs two models that have embedded this library&apos;s photos; it has %n.</source>
        <translation>
            <numerusform>比較には、このライブラリの写真を埋め込んだモデルが2つ必要です（現在 %n）。</numerusform>
        </translation>
    </message>
    <message>
        <source>Choose the two models and compare them on the library&apos;s labelled photos.</source>
        <translation>2つのモデルを選び、ライブラリのラベル付き写真で比較してください。</translation>
    </message>
    <message>
        <source>Choose two different models.</source>
        <translation>異なる2つのモデルを選んでください。</translation>
    </message>
    <message>
        <source>Ranking the labelled photos with both models and resampling…</source>
        <translation>両方のモデルでラベル付き写真を順位付けし、再標本化しています…</translation>
    </message>
    <message>
        <source>The comparison failed: %1</source>
        <translation>比較に失敗しました：%1</translation>
    </message>
    <message numerus="yes">
        <source>A: %1 · B: %2 · %n queries (labelled photos embedded by both); left out: %3 embedded by A only, %4 by B only, %5 without another photo of their label. %6 resamples.</source>
        <translation>
            <numerusform>A：%1 · B：%2 · クエリ %n 件（両方が埋め込んだラベル付き写真）。除外：A のみ埋め込み %3、B のみ %4、同じラベルの他の写真がない %5。再標本 %6 回。</numerusform>
        </translation>
    </message>
    <message>
        <source>Com&amp;pare</source>
        <translation>比較(&amp;P)</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::ConfusionMatrixView</name>
    <message>
        <source>Confusion matrix</source>
        <translation>混同行列</translation>
    </message>
    <message numerus="yes">
        <source>%n classes, rows are the true class, columns the predicted class</source>
        <translation>
            <numerusform>%n クラス。行が正解クラス、列が予測クラス</numerusform>
        </translation>
    </message>
    <message>
        <source>The confusion matrix appears when training ends.</source>
        <translation>学習が終わると混同行列が表示されます。</translation>
    </message>
    <message>
        <source>predicted</source>
        <translation>予測</translation>
    </message>
    <message>
        <source>true</source>
        <translation>正解</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::DataNeedsDialog</name>
    <message>
        <source>How Many Labelled Photos?</source>
        <translation>ラベル付き写真は何枚必要か</translation>
    </message>
    <message>
        <source>A folder with one subfolder of photos per class</source>
        <translation>クラスごとに写真のサブフォルダーがあるフォルダー</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>参照(&amp;B)…</translation>
    </message>
    <message>
        <source>Choose the folder of class folders</source>
        <translation>クラスフォルダーの入ったフォルダーを選ぶ</translation>
    </message>
    <message>
        <source>Folder of Class Folders</source>
        <translation>クラスフォルダーの入ったフォルダー</translation>
    </message>
    <message>
        <source>Linear head on a base model (fast)</source>
        <translation>ベースモデル上の線形ヘッド（速い）</translation>
    </message>
    <message>
        <source>Train from the starter (scratch; minutes per draw)</source>
        <translation>スターターから学習（scratch、1回数分）</translation>
    </message>
    <message>
        <source>Linear: the photos are embedded once by the base model and each draw fits only a class head (seconds). Scratch: every draw is a full training run of the chosen minutes.</source>
        <translation>線形：写真をベースモデルで一度だけ埋め込み、各回はクラスのヘッドだけを当てはめます（数秒）。scratch：各回が指定した分数の学習そのものです。</translation>
    </message>
    <message>
        <source>The installed starter</source>
        <translation>インストール済みのスターター</translation>
    </message>
    <message>
        <source>Linear: the model package or starter folder whose frozen embeddings the heads are fitted on. Empty: the starter installed with the application.</source>
        <translation>線形：ヘッドを当てはめる固定の埋め込みを作るモデルパッケージまたはスターターのフォルダー。空欄：アプリと一緒にインストールされたスターター。</translation>
    </message>
    <message>
        <source>Photos per class to train on, separated by commas; “all” uses every training photo. A learning curve needs three different sizes or more.</source>
        <translation>学習に使うクラスあたりの枚数（カンマ区切り）。「all」は学習用の写真をすべて使います。学習曲線には3種類以上の枚数が必要です。</translation>
    </message>
    <message>
        <source>Random draws of each size: their spread gives the 95% interval (Student&apos;s t). Draws are nested: the draw of 10 holds the draw of 5.</source>
        <translation>各枚数での無作為な抽出の回数。そのばらつきから 95% 区間（スチューデントの t）を求めます。抽出は入れ子で、10枚の抽出は5枚の抽出を含みます。</translation>
    </message>
    <message>
        <source>The top-1 accuracy on the held-out photos the plant needs; the curve says how many photos per class reach it.</source>
        <translation>工場が必要とする、検証用写真での top-1 正解率。曲線から、それに届くクラスあたりの枚数がわかります。</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分</translation>
    </message>
    <message>
        <source>Scratch: the time budget of each training run. The study takes about sizes × draws × this.</source>
        <translation>scratch：学習1回あたりの時間。調査全体ではおよそ 枚数の種類 × 回数 × この時間かかります。</translation>
    </message>
    <message>
        <source>Photo &amp;folder:</source>
        <translation>写真フォルダー(&amp;F):</translation>
    </message>
    <message>
        <source>&amp;Mode:</source>
        <translation>方式(&amp;M):</translation>
    </message>
    <message>
        <source>Base mo&amp;del:</source>
        <translation>ベースモデル(&amp;D):</translation>
    </message>
    <message>
        <source>&amp;Sizes per class:</source>
        <translation>クラスあたりの枚数(&amp;S):</translation>
    </message>
    <message>
        <source>D&amp;raws per size:</source>
        <translation>枚数ごとの回数(&amp;R):</translation>
    </message>
    <message>
        <source>&amp;Target top-1:</source>
        <translation>目標 top-1(&amp;T):</translation>
    </message>
    <message>
        <source>Minutes &amp;per draw:</source>
        <translation>1回の分数(&amp;P):</translation>
    </message>
    <message>
        <source>St&amp;art</source>
        <translation>開始(&amp;A)</translation>
    </message>
    <message>
        <source>Start the study</source>
        <translation>調査を開始</translation>
    </message>
    <message>
        <source>Trains on growing numbers of photos per class and measures each on the same held-out photos (docs/POC.md).</source>
        <translation>クラスあたりの枚数を増やしながら学習し、毎回同じ検証用写真で測ります（docs/POC.md）。</translation>
    </message>
    <message>
        <source>&amp;Cancel Study</source>
        <translation>調査を取り消す(&amp;C)</translation>
    </message>
    <message>
        <source>Cancel the study</source>
        <translation>調査を取り消す</translation>
    </message>
    <message>
        <source>Choose a folder of class folders and start.</source>
        <translation>クラスフォルダーの入ったフォルダーを選んで開始してください。</translation>
    </message>
    <message>
        <source>Top-1 on the held-out photos by photos per class</source>
        <translation>クラスあたりの枚数と検証用写真での top-1</translation>
    </message>
    <message>
        <source>Learning curve</source>
        <translation>学習曲線</translation>
    </message>
    <message>
        <source>Asked per class</source>
        <translation>指定枚数/クラス</translation>
    </message>
    <message>
        <source>Trained per class</source>
        <translation>学習枚数/クラス</translation>
    </message>
    <message>
        <source>Draws</source>
        <translation>回数</translation>
    </message>
    <message>
        <source>Top-1 %</source>
        <translation>Top-1 %</translation>
    </message>
    <message>
        <source>95% interval</source>
        <translation>95% 区間</translation>
    </message>
    <message>
        <source>Balanced accuracy %</source>
        <translation>バランス正解率 %</translation>
    </message>
    <message>
        <source>Choose the folder of class folders first.</source>
        <translation>先にクラスフォルダーの入ったフォルダーを選んでください。</translation>
    </message>
    <message>
        <source>“%1” is not a folder.</source>
        <translation>「%1」はフォルダーではありません。</translation>
    </message>
    <message>
        <source>Sizes: write numbers of photos per class separated by commas, and “all” (for example 5,10,20,50,all).</source>
        <translation>枚数：クラスあたりの枚数をカンマで区切って書き、「all」も使えます（例：5,10,20,50,all）。</translation>
    </message>
    <message>
        <source>How many photos: %1</source>
        <translation>必要な写真数：%1</translation>
    </message>
    <message>
        <source>Study cancelled.</source>
        <translation>調査を取り消しました。</translation>
    </message>
    <message>
        <source>The study could not run: %1</source>
        <translation>調査を実行できませんでした：%1</translation>
    </message>
    <message numerus="yes">
        <source>Measured %n size(s).</source>
        <translation>
            <numerusform>%n 種類の枚数を測りました。</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelled; nothing was kept.</source>
        <translation>取り消しました。何も残していません。</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>開始しています…</translation>
    </message>
    <message>
        <source>Training and measuring the draws…</source>
        <translation>各回を学習して測っています…</translation>
    </message>
    <message>
        <source>Embedding the photos with the base model…</source>
        <translation>ベースモデルで写真を埋め込んでいます…</translation>
    </message>
    <message>
        <source>%1…</source>
        <translation>%1…</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>all</source>
        <translation>all</translation>
    </message>
    <message numerus="yes">
        <source>%1: top-1 on %n held-out photos (the same for every draw), %2 s in all.</source>
        <translation>
            <numerusform>%1：検証用写真 %n 枚（すべての回で同じ）での top-1、全体で %2 秒。</numerusform>
        </translation>
    </message>
    <message>
        <source>Linear heads on %1</source>
        <translation>%1 上の線形ヘッド</translation>
    </message>
    <message>
        <source>Training runs (%1)</source>
        <translation>学習（%1）</translation>
    </message>
    <message>
        <source>Measure at least three different sizes for a learning curve.</source>
        <translation>学習曲線には、少なくとも3種類の枚数を測ってください。</translation>
    </message>
    <message>
        <source>The learning curve could not be fitted: %1</source>
        <translation>学習曲線を当てはめられませんでした：%1</translation>
    </message>
    <message>
        <source>more than %1</source>
        <translation>%1 より多く</translation>
    </message>
    <message>
        <source>About %1 labelled photos per class reach %2 % top-1 (range %3 to %4).</source>
        <translation>クラスあたり約 %1 枚のラベル付き写真で top-1 %2 % に届きます（幅 %3〜%4 枚）。</translation>
    </message>
    <message>
        <source>The curve does not reach %1 % top-1 within %2 photos per class (twice the most measured; it is not extended further). Label more photos and measure again, or train a stronger model.</source>
        <translation>曲線はクラスあたり %2 枚（測った最大枚数の2倍。それより先へは延ばしません）までに top-1 %1 % に届きません。写真を増やして測り直すか、より強いモデルを学習してください。</translation>
    </message>
    <message>
        <source>Band from the intervals</source>
        <translation>区間から求めた帯</translation>
    </message>
    <message>
        <source>Fitted curve a − b·n^−c</source>
        <translation>当てはめた曲線 a − b·n^−c</translation>
    </message>
    <message>
        <source>Mean of the draws</source>
        <translation>各回の平均</translation>
    </message>
    <message>
        <source>95% interval over the draws</source>
        <translation>各回から求めた 95% 区間</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>目標</translation>
    </message>
    <message>
        <source>Labelled photos per class</source>
        <translation>クラスあたりのラベル付き写真</translation>
    </message>
    <message>
        <source>Top-1 (%)</source>
        <translation>Top-1 (%)</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::ErrorBanner</name>
    <message>
        <source>Error message</source>
        <translation>エラーメッセージ</translation>
    </message>
    <message>
        <source>Shows why the last action failed</source>
        <translation>直前の操作が失敗した理由を表示します</translation>
    </message>
    <message>
        <source>Error details</source>
        <translation>エラーの詳細</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <source>Hide this message</source>
        <translation>このメッセージを隠す</translation>
    </message>
    <message>
        <source>Dismiss error message</source>
        <translation>エラーメッセージを閉じる</translation>
    </message>
    <message>
        <source>Details: %1</source>
        <translation>詳細：%1</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::ExplainChartModels</name>
    <message>
        <source>region share</source>
        <translation>領域の割合</translation>
    </message>
    <message>
        <source>area share</source>
        <translation>面積の割合</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::ExplainCharts</name>
    <message>
        <source>Lambda per layer</source>
        <translation>層ごとのラムダ</translation>
    </message>
    <message>
        <source>λ per layer</source>
        <translation>層ごとの λ</translation>
    </message>
    <message>
        <source>layer</source>
        <translation>層</translation>
    </message>
    <message>
        <source>λ</source>
        <translation>λ</translation>
    </message>
    <message>
        <source>Entropy per layer</source>
        <translation>層ごとのエントロピー</translation>
    </message>
    <message>
        <source>nats</source>
        <translation>nat</translation>
    </message>
    <message>
        <source>Region share</source>
        <translation>領域の割合</translation>
    </message>
    <message>
        <source>share of |map|</source>
        <translation>|マップ| の割合</translation>
    </message>
    <message>
        <source>No λ: standard attention</source>
        <translation>λ なし：標準アテンション</translation>
    </message>
    <message>
        <source>Shift-drag on a map
to draw a region</source>
        <translation>マップ上で Shift+ドラッグすると
領域を描けます</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::ExplainPage</name>
    <message>
        <source>Explain</source>
        <translation>説明</translation>
    </message>
    <message>
        <source>Model B</source>
        <translation>モデル B</translation>
    </message>
    <message>
        <source>Clear &amp;region</source>
        <translation>領域を消去(&amp;R)</translation>
    </message>
    <message>
        <source>Clear region of interest</source>
        <translation>注目領域を消去する</translation>
    </message>
    <message>
        <source>Shift-drag on a pane to draw a region of interest</source>
        <translation>ペイン上で Shift キーを押しながらドラッグすると注目領域を描けます</translation>
    </message>
    <message>
        <source>Export P&amp;NG…</source>
        <translation>PNG に書き出す(&amp;N)…</translation>
    </message>
    <message>
        <source>Export PNG</source>
        <translation>PNG に書き出す</translation>
    </message>
    <message>
        <source>Export PDF &amp;report…</source>
        <translation>PDF レポートを書き出す(&amp;R)…</translation>
    </message>
    <message>
        <source>Export PDF report</source>
        <translation>PDF レポートを書き出す</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>The explain engine could not start</source>
        <translation>説明エンジンを開始できませんでした</translation>
    </message>
    <message>
        <source>Explaining %1…</source>
        <translation>%1 を説明しています…</translation>
    </message>
    <message>
        <source>The photo could not be explained</source>
        <translation>写真を説明できませんでした</translation>
    </message>
    <message>
        <source>No map: see the message above.</source>
        <translation>マップがありません：上のメッセージを参照してください。</translation>
    </message>
    <message>
        <source>Head %1</source>
        <translation>ヘッド %1</translation>
    </message>
    <message>
        <source>diverging</source>
        <translation>発散型</translation>
    </message>
    <message>
        <source>sequential</source>
        <translation>連続型</translation>
    </message>
    <message>
        <source>The maps could not be drawn</source>
        <translation>マップを描画できませんでした</translation>
    </message>
    <message>
        <source>Photo to explain</source>
        <translation>説明する写真</translation>
    </message>
    <message>
        <source>Models (*.safetensors *.pt *.pth config.json);;All files (*)</source>
        <translation>モデル (*.safetensors *.pt *.pth config.json);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Query photo</source>
        <translation>クエリ写真</translation>
    </message>
    <message>
        <source>Nothing to export</source>
        <translation>書き出すものがありません</translation>
    </message>
    <message>
        <source>Explain a photo first.</source>
        <translation>先に写真を説明してください。</translation>
    </message>
    <message>
        <source>The PNG could not be written</source>
        <translation>PNG を書き込めませんでした</translation>
    </message>
    <message>
        <source>Check that the folder exists and that you may write to it.</source>
        <translation>フォルダーが存在し、書き込む権限があることを確認してください。</translation>
    </message>
    <message>
        <source>The PDF could not be written</source>
        <translation>PDF を書き込めませんでした</translation>
    </message>
    <message>
        <source>Export comparison as PNG</source>
        <translation>比較を PNG に書き出す</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 画像 (*.png)</translation>
    </message>
    <message>
        <source>PDF documents (*.pdf)</source>
        <translation>PDF 文書 (*.pdf)</translation>
    </message>
    <message>
        <source>%1: %2 scale. Hover for values; shift-drag for a region.</source>
        <translation>%1：%2 スケール。ポインターを合わせると値を表示、Shift+ドラッグで領域を指定。</translation>
    </message>
    <message>
        <source>“%1” needs the comparison “Model A vs model B”: “A1 vs %2” compares attention maps.</source>
        <translation>「%1」には比較「モデル A とモデル B」が必要です。「A1 と %2」はアテンションマップを比較します。</translation>
    </message>
    <message>
        <source>“%1” needs a query: type words in the query box or choose a query photo.</source>
        <translation>「%1」にはクエリが必要です。クエリ欄に言葉を入力するか、クエリ写真を選んでください。</translation>
    </message>
    <message>
        <source>The photo %1 could not be read</source>
        <translation>写真 %1 を読み込めませんでした</translation>
    </message>
    <message>
        <source>The query photo %1 could not be read</source>
        <translation>クエリ写真 %1 を読み込めませんでした</translation>
    </message>
    <message>
        <source>Photos (%1)</source>
        <translation>写真 (%1)</translation>
    </message>
    <message>
        <source>Saved the comparison as %1</source>
        <translation>比較を %1 に保存しました</translation>
    </message>
    <message>
        <source>Saved the report as %1</source>
        <translation>レポートを %1 に保存しました</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::ExplainPanes</name>
    <message>
        <source>Left map</source>
        <translation>左のマップ</translation>
    </message>
    <message>
        <source>Right map</source>
        <translation>右のマップ</translation>
    </message>
    <message>
        <source>Wheel or +/− to zoom, drag to pan, 0 to fit, shift-drag to draw a region</source>
        <translation>ホイールまたは +/− で拡大縮小、ドラッグで移動、0 で全体表示、Shift+ドラッグで領域を描画</translation>
    </message>
    <message>
        <source>Left map numbers</source>
        <translation>左のマップの数値</translation>
    </message>
    <message>
        <source>Right map numbers</source>
        <translation>右のマップの数値</translation>
    </message>
    <message>
        <source>Colour bar</source>
        <translation>カラーバー</translation>
    </message>
    <message>
        <source>Entropy %1 nats (%2 of max) · top-10% share %3</source>
        <translation>エントロピー %1 nat（最大の %2）· 上位 10% の割合 %3</translation>
    </message>
    <message>
        <source> · positive share %1</source>
        <translation> · 正の割合 %1</translation>
    </message>
    <message>
        <source> · region share %1</source>
        <translation> · 領域の割合 %1</translation>
    </message>
    <message>
        <source> · similarity %1</source>
        <translation> · 類似度 %1</translation>
    </message>
    <message>
        <source>Patch (row %1, column %2): left %3, right %4</source>
        <translation>パッチ（%1 行、%2 列）：左 %3、右 %4</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::ExplainScaleRow</name>
    <message>
        <source>Scale in use</source>
        <translation>使用中のスケール</translation>
    </message>
    <message>
        <source>Folder scale progress</source>
        <translation>フォルダースケールの進捗</translation>
    </message>
    <message>
        <source>%v of %m photos</source>
        <translation>%v / %m 枚</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Cancel the folder scale</source>
        <translation>フォルダースケールの計算をキャンセル</translation>
    </message>
    <message>
        <source>the folder&apos;s photos changed; computing it again</source>
        <translation>フォルダーの写真が変わったため再計算しています</translation>
    </message>
    <message>
        <source>it could not be computed (%1)</source>
        <translation>計算できませんでした（%1）</translation>
    </message>
    <message>
        <source>The folder scale could not be computed</source>
        <translation>フォルダースケールを計算できませんでした</translation>
    </message>
    <message>
        <source>Scale: explain a photo first</source>
        <translation>スケール：まず写真を説明してください</translation>
    </message>
    <message>
        <source>Scale: folder of 1 photo, max |v| = %1</source>
        <translation>スケール：フォルダーの写真 1 枚、最大 |v| = %1</translation>
    </message>
    <message numerus="yes">
        <source>Scale: folder of %n photos, max |v| = %1</source>
        <translation>
            <numerusform>スケール：フォルダーの写真 %n 枚、最大 |v| = %1</numerusform>
        </translation>
    </message>
    <message>
        <source> (1 unreadable photo left out)</source>
        <translation>（読み込めない写真 1 枚を除外）</translation>
    </message>
    <message numerus="yes">
        <source> (%n unreadable photos left out)</source>
        <translation>
            <numerusform>（読み込めない写真 %n 枚を除外）</numerusform>
        </translation>
    </message>
    <message>
        <source>Scale: this comparison, max |v| = %1</source>
        <translation>スケール：この比較、最大 |v| = %1</translation>
    </message>
    <message>
        <source> — the folder scale is being computed (%1 of %2 photos)</source>
        <translation> — フォルダースケールを計算中（%1 / %2 枚）</translation>
    </message>
    <message>
        <source> — not the folder&apos;s: %1</source>
        <translation> — フォルダーのスケールではありません：%1</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::ExplainToolbar</name>
    <message>
        <source>&amp;Photo…</source>
        <translation>写真(&amp;P)…</translation>
    </message>
    <message>
        <source>Choose photo</source>
        <translation>写真を選ぶ</translation>
    </message>
    <message>
        <source>Choose the photo to explain (or drop one on this page)</source>
        <translation>説明する写真を選びます（このページにドロップすることもできます）</translation>
    </message>
    <message>
        <source>Photo</source>
        <translation>写真</translation>
    </message>
    <message>
        <source>Comparison</source>
        <translation>比較</translation>
    </message>
    <message>
        <source>Model A</source>
        <translation>モデル A</translation>
    </message>
    <message>
        <source>Model &amp;B…</source>
        <translation>モデル B(&amp;B)…</translation>
    </message>
    <message>
        <source>Choose model B</source>
        <translation>モデル B を選ぶ</translation>
    </message>
    <message>
        <source>Model B</source>
        <translation>モデル B</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>手法</translation>
    </message>
    <message>
        <source>Query: words or a photo</source>
        <translation>クエリ：言葉または写真</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>クエリ</translation>
    </message>
    <message>
        <source>&amp;Query photo…</source>
        <translation>クエリ写真(&amp;Q)…</translation>
    </message>
    <message>
        <source>Choose query photo</source>
        <translation>クエリ写真を選ぶ</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>層</translation>
    </message>
    <message>
        <source>&amp;Layer: last</source>
        <translation>層(&amp;L)：最終</translation>
    </message>
    <message>
        <source>Layer: 00 / 00</source>
        <translation>層：00 / 00</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>ヘッド</translation>
    </message>
    <message>
        <source>Mean of heads</source>
        <translation>ヘッドの平均</translation>
    </message>
    <message>
        <source>Max of heads</source>
        <translation>ヘッドの最大</translation>
    </message>
    <message>
        <source>Map opacity</source>
        <translation>マップの不透明度</translation>
    </message>
    <message>
        <source>This comparison</source>
        <translation>この比較</translation>
    </message>
    <message>
        <source>Whole folder</source>
        <translation>フォルダー全体</translation>
    </message>
    <message>
        <source>Colour scale</source>
        <translation>カラースケール</translation>
    </message>
    <message>
        <source>One colour scale for both panes, or for both panes of every photo in this photo&apos;s folder (same models and settings)</source>
        <translation>両ペインに共通のカラースケール、またはこの写真のフォルダー内のすべての写真の両ペインに共通のカラースケール（同じモデルと設定）</translation>
    </message>
    <message>
        <source>&amp;Compare:</source>
        <translation>比較(&amp;C)：</translation>
    </message>
    <message>
        <source>Model A:</source>
        <translation>モデル A：</translation>
    </message>
    <message>
        <source>&amp;Method:</source>
        <translation>手法(&amp;M)：</translation>
    </message>
    <message>
        <source>&amp;Head:</source>
        <translation>ヘッド(&amp;H)：</translation>
    </message>
    <message>
        <source>&amp;Opacity:</source>
        <translation>不透明度(&amp;O)：</translation>
    </message>
    <message>
        <source>&amp;Scale:</source>
        <translation>スケール(&amp;S)：</translation>
    </message>
    <message>
        <source>No photo: choose one or drop it here</source>
        <translation>写真がありません：選ぶか、ここにドロップしてください</translation>
    </message>
    <message>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <source>same as A</source>
        <translation>A と同じ</translation>
    </message>
    <message>
        <source>&amp;Layer: not used</source>
        <translation>層(&amp;L)：適用外</translation>
    </message>
    <message>
        <source>&amp;Layer: %1 / %2</source>
        <translation>層(&amp;L)：%1 / %2</translation>
    </message>
    <message>
        <source>“A1 vs %1” compares attention maps: choose “Model A vs model B” to use a query</source>
        <translation>「A1 と %1」はアテンションマップを比較します。クエリを使うには「モデル A とモデル B」を選んでください</translation>
    </message>
    <message>
        <source>Needs a query: type words in the query box or choose a query photo</source>
        <translation>クエリが必要です：クエリ欄に言葉を入力するか、クエリ写真を選んでください</translation>
    </message>
    <message>
        <source>Compares attention maps: choose the method Attention or Rollout first</source>
        <translation>アテンションマップを比較します：先に手法「アテンション」または「ロールアウト」を選んでください</translation>
    </message>
    <message>
        <source>Similarity to query uses the model&apos;s final tokens: the layer does not apply</source>
        <translation>「クエリとの類似度」はモデルの最終トークンを使うため、層は適用されません</translation>
    </message>
    <message>
        <source>The vision block the map is computed at, counted from 0</source>
        <translation>マップを計算する画像エンコーダーのブロック（0 から数えます）</translation>
    </message>
    <message>
        <source>The head does not apply to the query methods</source>
        <translation>クエリを使う手法にはヘッドは適用されません</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::FailedFilesView</name>
    <message>
        <source>Files that could not be added</source>
        <translation>追加できなかったファイル</translation>
    </message>
    <message>
        <source>File</source>
        <translation>ファイル</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>These files were found but could not be added: unreadable, damaged, too large, or not a supported image format (JPEG, PNG, TIFF, WebP, BMP). They are tried again when you add their folder again.</source>
        <translation>以下のファイルは見つかりましたが、追加できませんでした（読み取れない、壊れている、大きすぎる、または対応していない画像形式。対応形式は JPEG、PNG、TIFF、WebP、BMP）。フォルダーをもう一度追加すると再試行されます。</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::HitDetail</name>
    <message>
        <source>Search Hit — %1</source>
        <translation>検索結果 — %1</translation>
    </message>
    <message>
        <source>Search hit details</source>
        <translation>検索結果の詳細</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>クエリ</translation>
    </message>
    <message>
        <source>Query photo</source>
        <translation>クエリ写真</translation>
    </message>
    <message>
        <source>Text: “%1”</source>
        <translation>テキスト：「%1」</translation>
    </message>
    <message>
        <source>Hit</source>
        <translation>検索結果</translation>
    </message>
    <message>
        <source>Hit photo</source>
        <translation>検索結果の写真</translation>
    </message>
    <message>
        <source>Score: %1</source>
        <translation>スコア：%1</translation>
    </message>
    <message>
        <source>(at or above this library&apos;s threshold %1)</source>
        <translation>（このライブラリのしきい値 %1 以上）</translation>
    </message>
    <message>
        <source>(below this library&apos;s threshold %1)</source>
        <translation>（このライブラリのしきい値 %1 未満）</translation>
    </message>
    <message>
        <source>Label: %1</source>
        <translation>ラベル：%1</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（なし）</translation>
    </message>
    <message>
        <source>No metadata recorded for this photo.</source>
        <translation>この写真にはメタデータが記録されていません。</translation>
    </message>
    <message>
        <source>%1 × %2 pixels</source>
        <translation>%1 × %2 ピクセル</translation>
    </message>
    <message>
        <source>%1 (score %2)</source>
        <translation>%1（スコア %2）</translation>
    </message>
    <message>
        <source>Similar photos in this group (%1):</source>
        <translation>このグループの類似写真（%1）：</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>読み込み中…</translation>
    </message>
    <message>
        <source>Why Did This Match?</source>
        <translation>一致の理由を表示</translation>
    </message>
    <message>
        <source>Show where the model looks in the hit, conditioned on the query photo</source>
        <translation>検索に使った写真を条件として、ヒットした写真のどこをモデルが見ているかを表示します</translation>
    </message>
    <message>
        <source>Explain this match</source>
        <translation>この一致を説明</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::HitFeedbackPanel</name>
    <message>
        <source>Mark hit as right</source>
        <translation>検索結果を正しいと記録する</translation>
    </message>
    <message>
        <source>Mark hit as wrong</source>
        <translation>検索結果を誤りと記録する</translation>
    </message>
    <message>
        <source>Earlier judgements</source>
        <translation>これまでの判定</translation>
    </message>
    <message>
        <source>Every judgement of this hit for this query, oldest first. All are kept.</source>
        <translation>このクエリに対するこの検索結果の判定をすべて古い順に表示します。判定はすべて保存されています。</translation>
    </message>
    <message>
        <source>Earlier judgements not read</source>
        <translation>これまでの判定を読み込めませんでした</translation>
    </message>
    <message>
        <source>The library could not be read. You can still judge this hit.</source>
        <translation>ライブラリを読み込めませんでした。この検索結果の判定はできます。</translation>
    </message>
    <message>
        <source>Feedback not saved</source>
        <translation>フィードバックを保存できませんでした</translation>
    </message>
    <message>
        <source>The judgement could not be stored in the library. Check that the library file is writable and the disk is not full, then try again.</source>
        <translation>判定をライブラリに保存できませんでした。ライブラリファイルに書き込めること、ディスクに空きがあることを確認して、もう一度お試しください。</translation>
    </message>
    <message>
        <source>Not saved.</source>
        <translation>保存されていません。</translation>
    </message>
    <message>
        <source>Changed to %1. It replaces %2 of %3, which stays in the history.</source>
        <translation>「%1」に変更しました。%3 の「%2」は置き換えられ、履歴に残ります。</translation>
    </message>
    <message>
        <source>Saved: %1.</source>
        <translation>保存しました：%1。</translation>
    </message>
    <message>
        <source>Change to Right Match</source>
        <translation>正しい一致に変更</translation>
    </message>
    <message>
        <source>Right Match</source>
        <translation>正しい一致</translation>
    </message>
    <message>
        <source>Change to Wrong Match</source>
        <translation>誤った一致に変更</translation>
    </message>
    <message>
        <source>Wrong Match</source>
        <translation>誤った一致</translation>
    </message>
    <message>
        <source>This is your judgement now.</source>
        <translation>現在の判定です。</translation>
    </message>
    <message>
        <source>Replaces your judgement “%1” of %2; the earlier one stays in the history.</source>
        <translation>%2 の判定「%1」を置き換えます。以前の判定は履歴に残ります。</translation>
    </message>
    <message>
        <source>This photo shows the same kind of defect (saved in the library)</source>
        <translation>この写真は同じ種類の不良を示しています（ライブラリに保存されます）</translation>
    </message>
    <message>
        <source>This photo does not match the query (saved in the library)</source>
        <translation>この写真はクエリと一致しません（ライブラリに保存されます）</translation>
    </message>
    <message>
        <source>Feedback needs an open library.</source>
        <translation>フィードバックを記録するにはライブラリを開いている必要があります。</translation>
    </message>
    <message>
        <source>Reading earlier judgements…</source>
        <translation>これまでの判定を読み込んでいます…</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>保存中…</translation>
    </message>
    <message>
        <source>Your judgement: %1 (%2).</source>
        <translation>あなたの判定：%1（%2）。</translation>
    </message>
    <message>
        <source>Not judged yet. Is this hit a right match for the query?</source>
        <translation>まだ判定していません。この検索結果はクエリに正しく一致していますか？</translation>
    </message>
    <message>
        <source>%1 %2 · %3</source>
        <translation>%1 %2 · %3</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::JobCentre</name>
    <message>
        <source>%1 added, %2 updated, %3 unchanged, %4 failed, %5 duplicates (%6 photos/s)</source>
        <translation>追加 %1、更新 %2、変更なし %3、失敗 %4、重複 %5（毎秒 %6 枚）</translation>
    </message>
    <message>
        <source>… and %1 more failed files (see Failed files on the Library page).</source>
        <translation>… ほか %1 件の失敗したファイル（ライブラリページの「失敗したファイル」を参照）。</translation>
    </message>
    <message>
        <source>Failed: %1 — %2</source>
        <extracomment>%1 is a file, %2 the reason</extracomment>
        <translation>失敗：%1 — %2</translation>
    </message>
    <message>
        <source>Metadata CSV: %1 rows, %2 matched, %3 unmatched</source>
        <translation>メタデータ CSV：%1 行、一致 %2、不一致 %3</translation>
    </message>
    <message>
        <source>Cancelled before it started.</source>
        <translation>開始前に取り消されました。</translation>
    </message>
    <message numerus="yes">
        <source>%n items</source>
        <translation>
            <numerusform>%n 件</numerusform>
        </translation>
    </message>
    <message>
        <source>Add photos: %1</source>
        <translation>写真の追加：%1</translation>
    </message>
    <message>
        <source>Indexing %1 with %2</source>
        <translation>%1 を %2 でインデックス作成中</translation>
    </message>
    <message>
        <source>Re-embed the library</source>
        <translation>ライブラリの再埋め込み</translation>
    </message>
    <message>
        <source>Embedding the photos that %1 has not embedded yet</source>
        <translation>%1 でまだ埋め込まれていない写真を埋め込んでいます</translation>
    </message>
    <message>
        <source>Auto-tag the library</source>
        <translation>ライブラリの自動ラベル付け</translation>
    </message>
    <message>
        <source>%1 labelled, %2 skipped, %3 not embedded yet</source>
        <translation>ラベル付け %1、スキップ %2、未埋め込み %3</translation>
    </message>
    <message>
        <source>Cancel requested; stopping after the current batch.</source>
        <translation>取り消しを受け付けました。現在のバッチが終わりしだい停止します。</translation>
    </message>
    <message>
        <source>Started at %1</source>
        <translation>%1 に開始</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失敗：%1</translation>
    </message>
    <message>
        <source>%1 after %2: %3</source>
        <translation>%1（所要 %2）：%3</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>待機中</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>実行中</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>完了</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>取り消し済み</translation>
    </message>
    <message>
        <source>Indexing</source>
        <translation>インデックス作成</translation>
    </message>
    <message>
        <source>Re-embedding</source>
        <translation>再埋め込み</translation>
    </message>
    <message>
        <source>Auto-tagging</source>
        <translation>自動ラベル付け</translation>
    </message>
    <message>
        <source>Opening</source>
        <translation>開く処理</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>タスク</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 時間 %2 分</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>The job history %1 could not be read: %2</source>
        <translation>ジョブ履歴 %1 を読み込めませんでした：%2</translation>
    </message>
    <message>
        <source>The job history %1 is damaged; it was set aside and a new one started.</source>
        <translation>ジョブ履歴 %1 が壊れていたため、別名で退避して新しい履歴を始めました。</translation>
    </message>
    <message>
        <source>Metadata CSV line %1: the date “%2” is not YYYY-MM-DD and was not imported.</source>
        <translation>メタデータ CSV の %1 行目：日付「%2」は YYYY-MM-DD 形式ではないため、取り込みませんでした。</translation>
    </message>
    <message>
        <source>Cancelled during “%1” after %2 of %3; what was finished is kept.</source>
        <translation>「%1」の途中（%3 件中 %2 件）で取り消されました。それまでに終わった分は保持されています。</translation>
    </message>
    <message>
        <source>Cancelled; what was finished is kept.</source>
        <translation>取り消されました。それまでに終わった分は保持されています。</translation>
    </message>
    <message>
        <source>Scanning</source>
        <translation>スキャン</translation>
    </message>
    <message>
        <source>Decoding and embedding</source>
        <translation>デコードと埋め込み</translation>
    </message>
    <message>
        <source>Finishing</source>
        <translation>最終処理</translation>
    </message>
    <message>
        <source>Labelling</source>
        <translation>ラベル付け</translation>
    </message>
    <message>
        <source>Loading the model</source>
        <translation>モデルの読み込み</translation>
    </message>
    <message>
        <source>Loading the embeddings</source>
        <translation>埋め込みの読み込み</translation>
    </message>
    <message>
        <source>Preparing the photos</source>
        <translation>写真の準備</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>学習</translation>
    </message>
    <message>
        <source>Evaluating</source>
        <translation>評価</translation>
    </message>
    <message>
        <source>Writing the model</source>
        <translation>モデルの書き込み</translation>
    </message>
    <message>
        <source>Explaining</source>
        <translation>説明</translation>
    </message>
    <message>
        <source>Generating photos</source>
        <translation>写真の生成</translation>
    </message>
    <message>
        <source>Reading</source>
        <translation>読み込み</translation>
    </message>
    <message>
        <source>Converting</source>
        <translation>変換</translation>
    </message>
    <message>
        <source>Writing</source>
        <translation>書き込み</translation>
    </message>
    <message>
        <source>Mirroring labels</source>
        <translation>ラベルのフォルダー反映</translation>
    </message>
    <message>
        <source>; %1 indexed by another run</source>
        <translation>、別の実行でインデックス作成済み %1</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::JobsPage</name>
    <message>
        <source>Long work runs here in the background: adding photos, re-embedding, auto-tagging and opening libraries. You can keep working meanwhile. Cancelling stops after the current batch; what was finished before is kept.</source>
        <translation>時間のかかる処理（写真の追加、再埋め込み、自動ラベル付け、ライブラリを開く処理）はここでバックグラウンド実行されます。その間も作業を続けられます。取り消すと現在のバッチの後で停止し、それまでに終わった分は保持されます。</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>ジョブ</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>ジョブ</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>進捗</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>時間</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>結果</translation>
    </message>
    <message>
        <source>No jobs yet. Adding photos on the Library page starts one.</source>
        <translation>ジョブはまだありません。ライブラリページで写真を追加するとジョブが始まります。</translation>
    </message>
    <message>
        <source>Cancel Job</source>
        <translation>ジョブを取り消す</translation>
    </message>
    <message>
        <source>Cancel the selected job</source>
        <translation>選択したジョブを取り消す</translation>
    </message>
    <message>
        <source>Clear Finished</source>
        <translation>終了したジョブを消去</translation>
    </message>
    <message>
        <source>Remove finished jobs from the list</source>
        <translation>終了したジョブを一覧から消去する</translation>
    </message>
    <message>
        <source>Log of the selected job</source>
        <translation>選択したジョブのログ</translation>
    </message>
    <message>
        <source>Select a job to see its log.</source>
        <translation>ジョブを選ぶとログが表示されます。</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>取り消し中…</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation>残り %1</translation>
    </message>
    <message>
        <source>estimating…</source>
        <translation>見積もり中…</translation>
    </message>
    <message>
        <source>took %1</source>
        <translation>所要 %1</translation>
    </message>
    <message>
        <source>%1, ended %2</source>
        <translation>%1、%2 に終了</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::LabelTree</name>
    <message>
        <source>%1: the photo no longer exists</source>
        <translation>%1：写真がもう存在しません</translation>
    </message>
    <message>
        <source>%1: a file that DiffCLIP Studio did not make is in the way</source>
        <translation>%1：DiffCLIP Studio が作成していないファイルがすでにあります</translation>
    </message>
    <message>
        <source>%1: cannot create the folder</source>
        <translation>%1：フォルダーを作成できません</translation>
    </message>
    <message>
        <source>%1: could not be written</source>
        <translation>%1：書き込めませんでした</translation>
    </message>
    <message>
        <source>%1 made, %2 already in place, %3 removed, %4 skipped</source>
        <translation>作成 %1、既存 %2、削除 %3、スキップ %4</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::LibraryFilterBar</name>
    <message>
        <source>Filter by label</source>
        <translation>ラベルで絞り込む</translation>
    </message>
    <message>
        <source>Filter by line</source>
        <translation>ラインで絞り込む</translation>
    </message>
    <message>
        <source>Filter by product</source>
        <translation>製品で絞り込む</translation>
    </message>
    <message>
        <source>Dates from</source>
        <translation>開始日</translation>
    </message>
    <message>
        <source>Dates to</source>
        <translation>終了日</translation>
    </message>
    <message>
        <source>YYYY-MM-DD</source>
        <translation>YYYY-MM-DD</translation>
    </message>
    <message>
        <source>Filter by text</source>
        <translation>テキストで絞り込む</translation>
    </message>
    <message>
        <source>Find in names, labels and metadata</source>
        <translation>名前・ラベル・メタデータから検索</translation>
    </message>
    <message>
        <source>Sort by</source>
        <translation>並べ替え</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日付</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>ラベル</translation>
    </message>
    <message>
        <source>Date added</source>
        <translation>追加日</translation>
    </message>
    <message>
        <source>Sort order</source>
        <translation>並び順</translation>
    </message>
    <message>
        <source>Ascending</source>
        <translation>昇順</translation>
    </message>
    <message>
        <source>Descending</source>
        <translation>降順</translation>
    </message>
    <message>
        <source>La&amp;bel:</source>
        <translation>ラベル(&amp;B)：</translation>
    </message>
    <message>
        <source>L&amp;ine:</source>
        <translation>ライン(&amp;I)：</translation>
    </message>
    <message>
        <source>&amp;Product:</source>
        <translation>製品(&amp;P)：</translation>
    </message>
    <message>
        <source>Dates:</source>
        <translation>期間：</translation>
    </message>
    <message>
        <source>&amp;Find:</source>
        <translation>検索(&amp;F)：</translation>
    </message>
    <message>
        <source>&amp;Sort by:</source>
        <translation>並べ替え(&amp;S)：</translation>
    </message>
    <message>
        <source>All labels</source>
        <translation>すべてのラベル</translation>
    </message>
    <message>
        <source>No label</source>
        <translation>ラベルなし</translation>
    </message>
    <message>
        <source>All lines</source>
        <translation>すべてのライン</translation>
    </message>
    <message>
        <source>All products</source>
        <translation>すべての製品</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>表示</translation>
    </message>
    <message>
        <source>All photos</source>
        <translation>すべての写真</translation>
    </message>
    <message>
        <source>Label these next</source>
        <translation>次にラベル付けする写真</translation>
    </message>
    <message>
        <source>Check these labels</source>
        <translation>確認すべきラベル</translation>
    </message>
    <message>
        <source>Label these next: unlabelled photos whose labels would teach the most, first those the labelled neighbours disagree on and those unlike anything labelled. Check these labels: labelled photos whose nearest neighbours mostly carry another label. Both use the embeddings of the library&apos;s main model; the photo&apos;s tooltip says why it is listed.</source>
        <translation>次にラベル付けする写真：ラベルを付けると最も役に立つラベルなしの写真。ラベル付きの近傍の意見が分かれる写真と、ラベル付きのどの写真にも似ていない写真が先です。確認すべきラベル：最も近い写真の多くが別のラベルを持つラベル付きの写真。どちらもライブラリの主モデルの埋め込みを使います。写真のツールチップに理由が出ます。</translation>
    </message>
    <message>
        <source>Sho&amp;w:</source>
        <translation>表示(&amp;W):</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::LibraryHeader</name>
    <message>
        <source>Library</source>
        <translation>ライブラリ</translation>
    </message>
    <message>
        <source>Open Library…</source>
        <translation>ライブラリを開く…</translation>
    </message>
    <message>
        <source>Open a library file</source>
        <translation>ライブラリファイルを開く</translation>
    </message>
    <message>
        <source>New Library…</source>
        <translation>新しいライブラリ…</translation>
    </message>
    <message>
        <source>Create a new library file</source>
        <translation>新しいライブラリファイルを作成する</translation>
    </message>
    <message>
        <source>Add Folder…</source>
        <translation>フォルダーを追加…</translation>
    </message>
    <message>
        <source>Add a folder of photos to the library</source>
        <translation>写真のフォルダーをライブラリに追加する</translation>
    </message>
    <message>
        <source>Mirror Labels…</source>
        <translation>ラベルをフォルダーに反映…</translation>
    </message>
    <message>
        <source>Mirror the labels as one folder per class</source>
        <translation>ラベルをクラスごとのフォルダーとして反映する</translation>
    </message>
    <message>
        <source>Make a folder per class with links to (or copies of) the labelled photos, for training</source>
        <translation>学習用に、ラベル付きの写真へのリンク（またはコピー）をクラスごとのフォルダーに作成します</translation>
    </message>
    <message>
        <source>Auto-Label…</source>
        <translation>自動ラベル付け…</translation>
    </message>
    <message>
        <source>Label the unlabelled photos automatically</source>
        <translation>ラベルのない写真に自動でラベルを付ける</translation>
    </message>
    <message>
        <source>Give photos the class whose prompts their picture matches best (zero-shot, from the stored embeddings), with editable prompts and a minimum confidence. Labels you set by hand always win.</source>
        <translation>画像が最もよく一致するプロンプトのクラスを写真に付けます（保存済みの埋め込みによるゼロショット）。プロンプトと最低信頼度は編集できます。手作業で付けたラベルが常に優先されます。</translation>
    </message>
    <message>
        <source>No library open</source>
        <translation>ライブラリが開かれていません</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::LibraryModel</name>
    <message>
        <source>No label</source>
        <translation>ラベルなし</translation>
    </message>
    <message>
        <source>Label: %1</source>
        <translation>ラベル：%1</translation>
    </message>
    <message>
        <source>Date: %1</source>
        <translation>日付：%1</translation>
    </message>
    <message>
        <source>%1, label %2</source>
        <translation>%1、ラベル %2</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::LibraryPage</name>
    <message>
        <source>No library is open.

A library is one file that holds your photos&apos; paths, metadata, labels and embeddings; the photos stay where they are. Create the default library, or open or create one elsewhere (for example on a shared drive).</source>
        <translation>ライブラリが開かれていません。

ライブラリは、写真のパス・メタデータ・ラベル・埋め込みをまとめた 1 つのファイルです。写真そのものは元の場所に置いたままです。既定のライブラリを作成するか、別の場所（共有ドライブなど）にあるライブラリを開くか作成してください。</translation>
    </message>
    <message>
        <source>Create the Default Library</source>
        <translation>既定のライブラリを作成</translation>
    </message>
    <message>
        <source>Create the default library</source>
        <translation>既定のライブラリを作成する</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>写真</translation>
    </message>
    <message>
        <source>Undo Label Change</source>
        <translation>ラベルの変更を元に戻す</translation>
    </message>
    <message>
        <source>Redo Label Change</source>
        <translation>ラベルの変更をやり直す</translation>
    </message>
    <message>
        <source>Failed Files</source>
        <translation>失敗したファイル</translation>
    </message>
    <message>
        <source>Could not create “%1”</source>
        <translation>「%1」を作成できませんでした</translation>
    </message>
    <message>
        <source>The folder for the library could not be created. Check that you may write there.</source>
        <translation>ライブラリ用のフォルダーを作成できませんでした。その場所に書き込む権限があるか確認してください。</translation>
    </message>
    <message>
        <source>Could not open the library “%1”</source>
        <translation>ライブラリ「%1」を開けませんでした</translation>
    </message>
    <message>
        <source>Could not read the library</source>
        <translation>ライブラリを読み込めませんでした</translation>
    </message>
    <message>
        <source>Failed Files (%1)</source>
        <translation>失敗したファイル（%1）</translation>
    </message>
    <message>
        <source>No model is active. You can browse, label and describe photos; to add photos, open a model on the Models page (it embeds the photos for search).</source>
        <translation>有効なモデルがありません。写真の閲覧、ラベル付け、メタデータの編集はできます。写真を追加するには、モデルページでモデルを開いてください（検索用に写真を埋め込みます）。</translation>
    </message>
    <message>
        <source>Cannot add photos yet</source>
        <translation>まだ写真を追加できません</translation>
    </message>
    <message>
        <source>Open or create a library first.</source>
        <translation>先にライブラリを開くか作成してください。</translation>
    </message>
    <message>
        <source>Adding photos needs a model to embed them. Open a model on the Models page, then add the folder again.</source>
        <translation>写真を追加するには、写真を埋め込むためのモデルが必要です。モデルページでモデルを開いてから、もう一度フォルダーを追加してください。</translation>
    </message>
    <message numerus="yes">
        <source>Clear the label of %n photo(s)</source>
        <translation>
            <numerusform>%n 枚の写真のラベルを外す</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Label %n photo(s) “%1”</source>
        <translation>
            <numerusform>%n 枚の写真に「%1」を付ける</numerusform>
        </translation>
    </message>
    <message>
        <source>The label could not be stored</source>
        <translation>ラベルを保存できませんでした</translation>
    </message>
    <message>
        <source>%1 photos, %2 shown, %3 selected</source>
        <translation>写真 %1 枚、表示中 %2 枚、選択中 %3 枚</translation>
    </message>
    <message>
        <source>The metadata could not be saved</source>
        <translation>メタデータを保存できませんでした</translation>
    </message>
    <message>
        <source>Mirror labels to %1</source>
        <translation>ラベルを %1 に反映</translation>
    </message>
    <message>
        <source>Open Library</source>
        <translation>ライブラリを開く</translation>
    </message>
    <message>
        <source>DiffCLIP libraries (*.dclib);;All files (*)</source>
        <translation>DiffCLIP ライブラリ (*.dclib);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>New Library</source>
        <translation>新しいライブラリ</translation>
    </message>
    <message>
        <source>DiffCLIP libraries (*.dclib)</source>
        <translation>DiffCLIP ライブラリ (*.dclib)</translation>
    </message>
    <message>
        <source>Folder for the Class Folders</source>
        <translation>クラスフォルダーを置くフォルダー</translation>
    </message>
    <message>
        <source>Mirror Labels</source>
        <translation>ラベルをフォルダーに反映</translation>
    </message>
    <message>
        <source>Make one folder per class in “%1” with links to the labelled photos, or with copies of them? Links take no space; copies also work on other computers. Running it again updates the folders and never touches files it did not make.</source>
        <translation>「%1」にクラスごとのフォルダーを作り、ラベル付きの写真へのリンクを置きますか、それともコピーを置きますか？ リンクは容量を使いません。コピーは他のコンピューターでも使えます。もう一度実行するとフォルダーを更新し、自分で作成していないファイルには触れません。</translation>
    </message>
    <message>
        <source>Links</source>
        <translation>リンク</translation>
    </message>
    <message>
        <source>Copies</source>
        <translation>コピー</translation>
    </message>
    <message>
        <source>Cannot label automatically</source>
        <translation>自動でラベルを付けられません</translation>
    </message>
    <message>
        <source>Automatic labels need a model. Open a model on the Models page first.</source>
        <translation>自動ラベル付けにはモデルが必要です。先にモデルページでモデルを開いてください。</translation>
    </message>
    <message>
        <source>Automatic labels need a library and a model. Open a model on the Models page first.</source>
        <translation>自動ラベル付けにはライブラリとモデルが必要です。まず［モデル］ページでモデルを開いてください。</translation>
    </message>
    <message>
        <source>The prompts were not saved in the library</source>
        <translation>プロンプトをライブラリに保存できませんでした</translation>
    </message>
    <message>
        <source>Automatic labels need at least two classes.</source>
        <translation>自動ラベル付けには 2 つ以上のクラスが必要です。</translation>
    </message>
    <message>
        <source>This library is read-only for you: you can browse and search it, but labels, metadata and new photos cannot be saved.</source>
        <translation>このライブラリは読み取り専用です。閲覧と検索はできますが、ラベル、メタデータ、新しい写真は保存できません。</translation>
    </message>
    <message>
        <source>Undo the last label change (Ctrl+Z)</source>
        <translation>直前のラベルの変更を元に戻す（Ctrl+Z）</translation>
    </message>
    <message>
        <source>Photos are added and embedded with the active model %1.</source>
        <translation>写真は有効なモデル %1 で埋め込んで追加されます。</translation>
    </message>
    <message>
        <source>Opening the library with its active model…</source>
        <translation>ライブラリを有効なモデルで開いています…</translation>
    </message>
    <message>
        <source>Opening the library with the active model %1…</source>
        <translation>ライブラリを有効なモデル %1 で開いています…</translation>
    </message>
    <message>
        <source>The active model is %1. Open or create a library to add photos with it.</source>
        <translation>有効なモデルは %1 です。このモデルで写真を追加するには、ライブラリを開くか作成してください。</translation>
    </message>
    <message>
        <source>Undone: the photo has its earlier label again.</source>
        <translation>元に戻しました。写真のラベルは以前のものに戻りました。</translation>
    </message>
    <message numerus="yes">
        <source>Undone: the %n photos have their earlier labels again.</source>
        <translation>
            <numerusform>元に戻しました。%n 枚の写真のラベルは以前のものに戻りました。</numerusform>
        </translation>
    </message>
    <message>
        <source>Cleared the label of 1 photo.</source>
        <translation>1 枚の写真のラベルを外しました。</translation>
    </message>
    <message numerus="yes">
        <source>Cleared the label of %n photos.</source>
        <translation>
            <numerusform>%n 枚の写真のラベルを外しました。</numerusform>
        </translation>
    </message>
    <message>
        <source>Labelled 1 photo “%1”.</source>
        <translation>1 枚の写真に「%1」を付けました。</translation>
    </message>
    <message numerus="yes">
        <source>Labelled %n photos “%1”.</source>
        <translation>
            <numerusform>%n 枚の写真に「%1」を付けました。</numerusform>
        </translation>
    </message>
    <message>
        <source>Saved the metadata of %1.</source>
        <translation>%1 のメタデータを保存しました。</translation>
    </message>
    <message>
        <source>Adding the photos of “%1”; the Jobs page shows the progress.</source>
        <translation>「%1」の写真を追加しています。進捗はジョブページで確認できます。</translation>
    </message>
    <message>
        <source>Could not rank the photos</source>
        <translation>写真を順位付けできませんでした</translation>
    </message>
    <message>
        <source>Ranking needs photos with embeddings: add photos with a model first.</source>
        <translation>順位付けには埋め込みのある写真が必要です。先にモデルで写真を追加してください。</translation>
    </message>
    <message>
        <source>nothing similar is labelled</source>
        <translation>似たラベル付きの写真がありません</translation>
    </message>
    <message>
        <source>likely “%1”</source>
        <translation>おそらく「%1」</translation>
    </message>
    <message>
        <source>likely “%1” or “%2”</source>
        <translation>おそらく「%1」か「%2」</translation>
    </message>
    <message>
        <source>Label next, #%1: uncertainty %2, unlike the labelled photos %3; %4.</source>
        <translation>次にラベル付け #%1：不確かさ %2、ラベル付きの写真との違い %3、%4。</translation>
    </message>
    <message>
        <source>Label these next: every photo with an embedding is labelled (model %1).</source>
        <translation>次にラベル付けする写真：埋め込みのある写真はすべてラベル付きです（モデル %1）。</translation>
    </message>
    <message numerus="yes">
        <source>Label these next: %1 of %n unlabelled photos, the most useful first: those the labelled neighbours disagree on and those unlike anything labelled (model %2).</source>
        <translation>
            <numerusform>次にラベル付けする写真：ラベルなしの写真 %n 枚のうち %1 枚、役に立つ順。ラベル付きの近傍の意見が分かれる写真と、ラベル付きのどの写真にも似ていない写真が先です（モデル %2）。</numerusform>
        </translation>
    </message>
    <message>
        <source>Check this label: %1 of its %2 nearest labelled photos are not “%3”; they suggest “%4” (score %5).</source>
        <translation>このラベルを確認：最も近いラベル付きの写真 %2 枚のうち %1 枚が「%3」ではなく、「%4」を示しています（スコア %5）。</translation>
    </message>
    <message>
        <source>Check these labels: no label is doubted by its nearest neighbours (model %1).</source>
        <translation>確認すべきラベル：最も近い写真から疑われるラベルはありません（モデル %1）。</translation>
    </message>
    <message numerus="yes">
        <source>Check these labels: %n labelled photo(s) whose nearest neighbours mostly carry another label, the most doubtful first; the tooltip says which (model %1).</source>
        <translation>
            <numerusform>確認すべきラベル：最も近い写真の多くが別のラベルを持つラベル付きの写真 %n 枚、疑わしい順。ツールチップにどのラベルかが出ます（モデル %1）。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>diffclip::ui::MainWindow</name>
    <message>
        <source>Start</source>
        <translation>スタート</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>モデル</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>Pages</source>
        <translation>ページ</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <extracomment>%1 is the page name, %2 its shortcut</extracomment>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>Could not open %1</source>
        <translation>%1 を開けませんでした</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open Model…</source>
        <translation>モデルを開く(&amp;O)…</translation>
    </message>
    <message>
        <source>Open Model &amp;Package Folder…</source>
        <translation>モデルパッケージのフォルダーを開く(&amp;P)…</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近使ったモデル(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>表示(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About DiffCLIP Studio</source>
        <translation>DiffCLIP Studio について(&amp;A)</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Qt について(&amp;Q)</translation>
    </message>
    <message>
        <source>No recent models</source>
        <translation>最近使ったモデルはありません</translation>
    </message>
    <message>
        <source>&amp;Clear List</source>
        <translation>一覧を消去(&amp;C)</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>%1 を開きました</translation>
    </message>
    <message>
        <source>&lt;h3&gt;DiffCLIP Studio %1&lt;/h3&gt;&lt;p&gt;Inspect DiffCLIP and CLIP models on your own computer, for quality work on defect photos.&lt;/p&gt;&lt;p&gt;DiffCLIP is CLIP with differential attention (Hammoud and Ghanem, “DiffCLIP: Differential Attention Meets CLIP”, 2025).&lt;/p&gt;&lt;p&gt;Built with Qt %2; running on Qt %3.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;DiffCLIP Studio %1&lt;/h3&gt;&lt;p&gt;DiffCLIP と CLIP のモデルをお使いのコンピューター上で確認できます。不良品写真を扱う品質管理業務のためのアプリケーションです。&lt;/p&gt;&lt;p&gt;DiffCLIP は、差分アテンション（differential attention）を取り入れた CLIP です（Hammoud、Ghanem「DiffCLIP: Differential Attention Meets CLIP」、2025年）。&lt;/p&gt;&lt;p&gt;Qt %2 でビルド、Qt %3 で動作中。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>About DiffCLIP Studio</source>
        <translation>DiffCLIP Studio について</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>検索</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>ライブラリ</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>ジョブ</translation>
    </message>
    <message>
        <source>Opened library %1</source>
        <translation>ライブラリ %1 を開きました</translation>
    </message>
    <message>
        <source>Could not open library %1</source>
        <translation>ライブラリ %1 を開けませんでした</translation>
    </message>
    <message>
        <source>Jobs (%1)</source>
        <translation>ジョブ（%1）</translation>
    </message>
    <message>
        <source>Open %1 with its last model</source>
        <translation>%1 を前回のモデルで開く</translation>
    </message>
    <message>
        <source>Open %1 with %2</source>
        <translation>%1 を %2 で開く</translation>
    </message>
    <message>
        <source>Loading the model and the library&apos;s embeddings…</source>
        <translation>モデルとライブラリの埋め込みを読み込んでいます…</translation>
    </message>
    <message>
        <source>The library has no model yet; open one on the Models page.</source>
        <translation>このライブラリにはまだモデルがありません。モデルページでモデルを開いてください。</translation>
    </message>
    <message>
        <source>Ready with %1</source>
        <translation>%1 で準備完了</translation>
    </message>
    <message>
        <source>The library could not be used with this model</source>
        <translation>このモデルではライブラリを使用できませんでした</translation>
    </message>
    <message>
        <source>Could not open the workspace: %1</source>
        <translation>ワークスペースを開けませんでした：%1</translation>
    </message>
    <message>
        <source>Open &amp;Library…</source>
        <translation>ライブラリを開く(&amp;L)…</translation>
    </message>
    <message>
        <source>&amp;New Library…</source>
        <translation>新しいライブラリ(&amp;N)…</translation>
    </message>
    <message>
        <source>Recent Li&amp;braries</source>
        <translation>最近使ったライブラリ(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Add Folder of Photos…</source>
        <translation>写真のフォルダーを追加(&amp;A)…</translation>
    </message>
    <message>
        <source>No recent libraries</source>
        <translation>最近使ったライブラリはありません</translation>
    </message>
    <message>
        <source>Explain</source>
        <translation>説明</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>学習</translation>
    </message>
    <message>
        <source>Cancelled; the library was not opened.</source>
        <translation>取り消されました。ライブラリは開かれていません。</translation>
    </message>
    <message>
        <source>Precision: %1</source>
        <translation>計算精度：%1</translation>
    </message>
    <message>
        <source>PoC</source>
        <extracomment>The proof-of-concept page: the plant&apos;s figures from the usage log</extracomment>
        <translation>PoC</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::MetadataEditor</name>
    <message>
        <source>Metadata</source>
        <translation>メタデータ</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>製品</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>ライン</translation>
    </message>
    <message>
        <source>Lot</source>
        <translation>ロット</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日付</translation>
    </message>
    <message>
        <source>YYYY-MM-DD</source>
        <translation>YYYY-MM-DD</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>検査者</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>備考</translation>
    </message>
    <message>
        <source>Save Metadata</source>
        <translation>メタデータを保存</translation>
    </message>
    <message>
        <source>Save the metadata of the current photo</source>
        <translation>現在の写真のメタデータを保存する</translation>
    </message>
    <message>
        <source>Product:</source>
        <translation>製品：</translation>
    </message>
    <message>
        <source>Line:</source>
        <translation>ライン：</translation>
    </message>
    <message>
        <source>Lot:</source>
        <translation>ロット：</translation>
    </message>
    <message>
        <source>Date:</source>
        <translation>日付：</translation>
    </message>
    <message>
        <source>Inspector:</source>
        <translation>検査者：</translation>
    </message>
    <message>
        <source>Notes:</source>
        <translation>備考：</translation>
    </message>
    <message>
        <source>“%1” is not a date. Type it as YYYY-MM-DD (for example %2) or as %3.</source>
        <translation>「%1」は日付ではありません。YYYY-MM-DD（例：%2）または %3 の形式で入力してください。</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::ModelEmbeddingsTable</name>
    <message>
        <source>Embeddings in this library per model</source>
        <translation>このライブラリのモデルごとの埋め込み数</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <source>Embeddings</source>
        <translation>埋め込み数</translation>
    </message>
    <message>
        <source>Not in the registry (fingerprint %1…, recorded as %2)</source>
        <extracomment>%1 the first digits of the model&apos;s fingerprint, %2 the path the library recorded</extracomment>
        <translation>レジストリにありません（フィンガープリント %1…、記録されたパス %2）</translation>
    </message>
    <message>
        <source>%1 (active)</source>
        <translation>%1（有効）</translation>
    </message>
    <message>
        <source>%1
Fingerprint %2</source>
        <translation>%1
フィンガープリント %2</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::ModelInspector</name>
    <message>
        <source>Open models</source>
        <translation>開いているモデル</translation>
    </message>
    <message>
        <source>Close Model</source>
        <translation>モデルを閉じる</translation>
    </message>
    <message>
        <source>Remove the selected model from this list (the file is not touched)</source>
        <translation>選択したモデルをこの一覧から外します（ファイル自体はそのままです）</translation>
    </message>
    <message>
        <source>Close selected model</source>
        <translation>選択したモデルを閉じる</translation>
    </message>
    <message>
        <source>Open models:</source>
        <translation>開いているモデル：</translation>
    </message>
    <message>
        <source>No model is open.
Choose Open Model… or drop a model file or package folder onto this window.</source>
        <translation>モデルが開かれていません。
「モデルを開く…」を選ぶか、モデルファイルまたはパッケージフォルダーをこのウィンドウにドロップしてください。</translation>
    </message>
    <message>
        <source>Copy Summary</source>
        <translation>概要をコピー</translation>
    </message>
    <message>
        <source>Copy the whole summary as text, for a report or a support request</source>
        <translation>概要全体をテキストとしてコピーします（報告書や問い合わせ用）</translation>
    </message>
    <message>
        <source>Copy model summary</source>
        <translation>モデルの概要をコピー</translation>
    </message>
    <message>
        <source>Inspect model files</source>
        <translation>モデルファイルの確認</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::ModelSummaryView</name>
    <message>
        <source>Model package (folder)</source>
        <translation>モデルパッケージ（フォルダー）</translation>
    </message>
    <message>
        <source>PyTorch training checkpoint</source>
        <translation>PyTorch の学習チェックポイント</translation>
    </message>
    <message>
        <source>safetensors weights</source>
        <translation>safetensors 形式の重み</translation>
    </message>
    <message>
        <source>Preset architecture with random weights</source>
        <translation>プリセットの構成（重みはランダム）</translation>
    </message>
    <message>
        <source>From the package&apos;s config.json</source>
        <translation>パッケージの config.json から</translation>
    </message>
    <message>
        <source>From config.json next to the weights</source>
        <translation>重みと同じ場所にある config.json から</translation>
    </message>
    <message>
        <source>Inferred from the tensor shapes</source>
        <translation>テンソルの形状から推定</translation>
    </message>
    <message>
        <source>Named preset</source>
        <translation>名前付きプリセット</translation>
    </message>
    <message>
        <source>bilinear</source>
        <translation>バイリニア</translation>
    </message>
    <message>
        <source>bicubic</source>
        <translation>バイキュービック</translation>
    </message>
    <message>
        <source>area averaging</source>
        <translation>面積平均</translation>
    </message>
    <message>
        <source>nearest neighbour</source>
        <translation>最近傍</translation>
    </message>
    <message>
        <source>%1 (%2 differential pairs)</source>
        <extracomment>%1 heads, of which pairs form %2 differential heads (each pair subtracts one attention map from the other)</extracomment>
        <translation>%1（差分ペア %2 組）</translation>
    </message>
    <message>
        <source>R %1, G %2, B %3</source>
        <extracomment>Red, green and blue channel values</extracomment>
        <translation>R %1、G %2、B %3</translation>
    </message>
    <message>
        <source>Model summary</source>
        <translation>モデルの概要</translation>
    </message>
    <message>
        <source>Model location</source>
        <translation>モデルの場所</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名前：</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>形式：</translation>
    </message>
    <message>
        <source>Architecture:</source>
        <translation>アーキテクチャ：</translation>
    </message>
    <message>
        <source>Attention:</source>
        <translation>アテンション：</translation>
    </message>
    <message>
        <source>Joint embedding size:</source>
        <translation>共通埋め込みの次元数：</translation>
    </message>
    <message>
        <source>Parameters:</source>
        <translation>パラメーター数：</translation>
    </message>
    <message>
        <source>Logit scale:</source>
        <translation>ロジットスケール：</translation>
    </message>
    <message>
        <source>Vision tower</source>
        <translation>画像エンコーダー</translation>
    </message>
    <message>
        <source>Image size:</source>
        <translation>画像サイズ：</translation>
    </message>
    <message>
        <source>Patch size:</source>
        <translation>パッチサイズ：</translation>
    </message>
    <message>
        <source>Width:</source>
        <translation>幅（次元数）：</translation>
    </message>
    <message>
        <source>Depth:</source>
        <translation>深さ（ブロック数）：</translation>
    </message>
    <message>
        <source>Attention heads:</source>
        <translation>アテンションヘッド数：</translation>
    </message>
    <message>
        <source>MLP width:</source>
        <translation>MLP の幅：</translation>
    </message>
    <message>
        <source>LayerNorm epsilon:</source>
        <translation>LayerNorm のイプシロン：</translation>
    </message>
    <message>
        <source>Text tower</source>
        <translation>テキストエンコーダー</translation>
    </message>
    <message>
        <source>Context length:</source>
        <translation>コンテキスト長：</translation>
    </message>
    <message>
        <source>Vocabulary size:</source>
        <translation>語彙数：</translation>
    </message>
    <message>
        <source>Layers:</source>
        <translation>層数：</translation>
    </message>
    <message>
        <source>Image preprocessing</source>
        <translation>画像の前処理</translation>
    </message>
    <message>
        <source>Resize:</source>
        <translation>リサイズ：</translation>
    </message>
    <message>
        <source>Centre crop:</source>
        <translation>中央切り抜き：</translation>
    </message>
    <message>
        <source>Mean:</source>
        <translation>平均：</translation>
    </message>
    <message>
        <source>Standard deviation:</source>
        <translation>標準偏差：</translation>
    </message>
    <message>
        <source>Tokenizer</source>
        <translation>トークナイザー</translation>
    </message>
    <message>
        <source>Tokenizer:</source>
        <translation>トークナイザー：</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>ファイル：</translation>
    </message>
    <message>
        <source>SHA-256 checksums</source>
        <translation>SHA-256 チェックサム</translation>
    </message>
    <message>
        <source>(none recorded)</source>
        <translation>（記録なし）</translation>
    </message>
    <message>
        <source>Differential (λ initial value %1)</source>
        <translation>差分アテンション（λ 初期値 %1）</translation>
    </message>
    <message>
        <source>Standard</source>
        <translation>標準</translation>
    </message>
    <message>
        <source>%1 × %1 px</source>
        <extracomment>Image size in pixels: %1 is the width and height of the square input</extracomment>
        <translation>%1 × %1 px</translation>
    </message>
    <message>
        <source>%1 px (%2 × %2 patches)</source>
        <translation>%1 px（%2 × %2 パッチ）</translation>
    </message>
    <message>
        <source>%1 tokens</source>
        <translation>%1 トークン</translation>
    </message>
    <message>
        <source>Shorter side to %1 px, %2</source>
        <translation>短辺を %1 px に（%2）</translation>
    </message>
    <message>
        <source>None: this model can embed images but not text</source>
        <translation>なし：このモデルは画像を埋め込めますが、テキストは埋め込めません</translation>
    </message>
    <message>
        <source>CLIP byte-pair encoding, %1 merges</source>
        <translation>CLIP バイトペアエンコーディング（マージ数 %1）</translation>
    </message>
    <message>
        <source>Files:</source>
        <translation>ファイル：</translation>
    </message>
    <message>
        <source>No checksums were computed.</source>
        <translation>チェックサムは計算されていません。</translation>
    </message>
    <message>
        <source>SHA-256 of %1</source>
        <extracomment>Accessible name of a checksum; %1 is a file name</extracomment>
        <translation>%1 の SHA-256</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::ModelsPage</name>
    <message>
        <source>Open Model…</source>
        <translation>モデルを開く…</translation>
    </message>
    <message>
        <source>Open a .pt, .pth or .safetensors file</source>
        <translation>.pt、.pth、.safetensors ファイルを開きます</translation>
    </message>
    <message>
        <source>Open model file</source>
        <translation>モデルファイルを開く</translation>
    </message>
    <message>
        <source>Open Package Folder…</source>
        <translation>パッケージフォルダーを開く…</translation>
    </message>
    <message>
        <source>Open a model package: a folder with config.json and model.safetensors</source>
        <translation>モデルパッケージ（config.json と model.safetensors を含むフォルダー）を開きます</translation>
    </message>
    <message>
        <source>Open model package folder</source>
        <translation>モデルパッケージのフォルダーを開く</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>モデル</translation>
    </message>
    <message>
        <source>Opening model</source>
        <translation>モデルを開いています</translation>
    </message>
    <message>
        <source>Models (*.pt *.pth *.safetensors);;All files (*)</source>
        <translation>モデル (*.pt *.pth *.safetensors);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Open Model</source>
        <translation>モデルを開く</translation>
    </message>
    <message>
        <source>Open Model Package Folder</source>
        <translation>モデルパッケージのフォルダーを開く</translation>
    </message>
    <message>
        <source>Could not open “%1”</source>
        <translation>「%1」を開けませんでした</translation>
    </message>
    <message>
        <source>Opening “%1”… Reading and checking the weights can take a while for large models.</source>
        <translation>「%1」を開いています… 大きなモデルでは、重みの読み込みと検査に時間がかかることがあります。</translation>
    </message>
    <message>
        <source>%1 more waiting.</source>
        <translation>ほかに %1 件が待機中です。</translation>
    </message>
    <message>
        <source>&amp;Import into Registry…</source>
        <translation>レジストリに取り込む(&amp;I)…</translation>
    </message>
    <message>
        <source>Copy or convert a .pt, .pth or .safetensors file into the model registry</source>
        <translation>.pt、.pth、.safetensors ファイルをモデルレジストリにコピーまたは変換します</translation>
    </message>
    <message>
        <source>Import a model file into the registry</source>
        <translation>モデルファイルをレジストリに取り込む</translation>
    </message>
    <message>
        <source>The registry keeps every imported and trained model version; the active one is used to search the open library. Open a DiffCLIP or CLIP model below to see its architecture, preprocessing and checksums, or drop a .pt, .pth or .safetensors file or a model package folder here.</source>
        <translation>レジストリには取り込んだモデルと学習したモデルのすべてのバージョンが保存され、有効なモデルで開いているライブラリを検索します。下で DiffCLIP または CLIP モデルを開くと、構成、前処理、チェックサムを確認できます。.pt、.pth、.safetensors ファイルやモデルパッケージのフォルダーをここにドロップすることもできます。</translation>
    </message>
    <message>
        <source>The model registry could not be read</source>
        <translation>モデルレジストリを読み込めませんでした</translation>
    </message>
    <message>
        <source>No library is open: open one on the Library page to choose its active model.</source>
        <translation>ライブラリが開かれていません。ライブラリページでライブラリを開くと、有効なモデルを選べます。</translation>
    </message>
    <message>
        <source>Library %1 could not be read: %2</source>
        <translation>ライブラリ %1 を読み込めませんでした: %2</translation>
    </message>
    <message>
        <source>none yet</source>
        <translation>まだありません</translation>
    </message>
    <message>
        <source>Library %1 — active model: %2</source>
        <translation>ライブラリ %1 — 有効なモデル: %2</translation>
    </message>
    <message>
        <source>Could not make “%1” active</source>
        <translation>「%1」を有効にできませんでした</translation>
    </message>
    <message>
        <source>No library is open. Open or create one on the Library page first.</source>
        <translation>ライブラリが開かれていません。先にライブラリページでライブラリを開くか作成してください。</translation>
    </message>
    <message>
        <source>Background jobs are not available in this window.</source>
        <translation>このウィンドウではバックグラウンドジョブを使用できません。</translation>
    </message>
    <message>
        <source>This model version cannot be used: %1</source>
        <translation>このモデルバージョンは使用できません: %1</translation>
    </message>
    <message>
        <source>Make %1 active</source>
        <translation>%1 を有効にする</translation>
    </message>
    <message>
        <source>Nothing to roll back to</source>
        <translation>元に戻せるモデルがありません</translation>
    </message>
    <message>
        <source>This library has had no other active model yet. Make another model active first.</source>
        <translation>このライブラリではまだ他のモデルが有効になったことがありません。先に別のモデルを有効にしてください。</translation>
    </message>
    <message>
        <source>The library could not be re-embedded with the new model</source>
        <translation>新しいモデルでライブラリを埋め込み直せませんでした</translation>
    </message>
    <message>
        <source>Could not delete “%1”</source>
        <translation>「%1」を削除できませんでした</translation>
    </message>
    <message>
        <source>Only model versions inside the registry folder %1 can be deleted here.</source>
        <translation>ここで削除できるのは、レジストリフォルダー %1 内のモデルバージョンだけです。</translation>
    </message>
    <message>
        <source>It is the active model of the open library. Make another model active (or roll back) first, then delete this one.</source>
        <translation>開いているライブラリの有効なモデルです。先に別のモデルを有効にする(または元に戻す)と、このモデルを削除できます。</translation>
    </message>
    <message>
        <source>Delete model %1</source>
        <translation>モデル %1 を削除</translation>
    </message>
    <message>
        <source>Import Model into Registry</source>
        <translation>モデルをレジストリに取り込む</translation>
    </message>
    <message>
        <source>Could not import “%1”</source>
        <translation>「%1」を取り込めませんでした</translation>
    </message>
    <message>
        <source>Importing “%1”… (progress in the Jobs page)</source>
        <translation>「%1」を取り込んでいます…(進行状況はジョブページで確認できます)</translation>
    </message>
    <message>
        <source>Import %1 into the registry</source>
        <translation>%1 をレジストリに取り込む</translation>
    </message>
    <message>
        <source>No library is open. The active model %1 is used for the library you open or create next.</source>
        <translation>ライブラリが開かれていません。有効なモデル %1 は、次に開くか作成するライブラリで使われます。</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::PhotoDetailsPane</name>
    <message>
        <source>manual</source>
        <translation>手動</translation>
    </message>
    <message>
        <source>training</source>
        <translation>学習</translation>
    </message>
    <message>
        <source>folder</source>
        <translation>フォルダー</translation>
    </message>
    <message>
        <source>zero-shot</source>
        <translation>ゼロショット</translation>
    </message>
    <message>
        <source>Label to assign</source>
        <translation>付けるラベル</translation>
    </message>
    <message>
        <source>class name</source>
        <translation>クラス名</translation>
    </message>
    <message>
        <source>Assign</source>
        <translation>付ける</translation>
    </message>
    <message>
        <source>Assign the label to the selected photos</source>
        <translation>選択した写真にラベルを付ける</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>外す</translation>
    </message>
    <message>
        <source>Remove the manual label of the selected photos</source>
        <translation>選択した写真の手動ラベルを外す</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>ラベル</translation>
    </message>
    <message>
        <source>Type a class name and press Assign. The first nine classes then get the keys 1–9 in the photo grid; 0 clears, Ctrl+Z undoes.</source>
        <translation>クラス名を入力して「付ける」を押してください。最初の 9 クラスには写真一覧でキー 1〜9 が割り当てられます。0 で外し、Ctrl+Z で元に戻します。</translation>
    </message>
    <message>
        <source>Keys in the photo grid: %1 · 0 clears · Ctrl+Z undoes</source>
        <translation>写真一覧でのキー：%1 · 0 で外す · Ctrl+Z で元に戻す</translation>
    </message>
    <message>
        <source>Select photos to label them or edit their metadata.</source>
        <translation>写真を選ぶと、ラベル付けやメタデータの編集ができます。</translation>
    </message>
    <message numerus="yes">
        <source>%n photos selected; the metadata below is of the current one.</source>
        <translation>
            <numerusform>%n 枚の写真を選択中です。下のメタデータは現在の写真のものです。</numerusform>
        </translation>
    </message>
    <message>
        <source>No label yet.</source>
        <translation>ラベルはまだありません。</translation>
    </message>
    <message>
        <source>Current: %1</source>
        <translation>現在：%1</translation>
    </message>
    <message>
        <source>Labels could not be read: %1</source>
        <translation>ラベルを読み込めませんでした：%1</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::PhotoGrid</name>
    <message>
        <source>Photos</source>
        <translation>写真</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::PocPage</name>
    <message>
        <source>&amp;Refresh</source>
        <translation>再読み込み(&amp;R)</translation>
    </message>
    <message>
        <source>Refresh the figures</source>
        <translation>数値を再読み込み</translation>
    </message>
    <message>
        <source>Reads the library&apos;s usage log again with the period and filters shown.</source>
        <translation>表示中の期間と絞り込み条件で、ライブラリの利用ログを読み直します。</translation>
    </message>
    <message>
        <source>First day of the period (included).</source>
        <translation>期間の最初の日（この日を含む）。</translation>
    </message>
    <message>
        <source>Last day of the period (included). Monitoring compares the last days before its end with the days before them.</source>
        <translation>期間の最後の日（この日を含む）。監視では、期間末までの直近の日数とその前の同じ日数を比べます。</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>ラベル</translation>
    </message>
    <message>
        <source>Only searches of this label: the query photo&apos;s label when it is a library photo, else the label of the hit marked right.</source>
        <translation>このラベルの検索だけ：クエリ写真がライブラリの写真ならそのラベル、そうでなければ正解とされたヒットのラベル。</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>ライン</translation>
    </message>
    <message>
        <source>Only searches of this line (the query photo&apos;s, else the search&apos;s line filter).</source>
        <translation>このラインの検索だけ（クエリ写真のライン、なければ検索の絞り込み条件のライン）。</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>製品</translation>
    </message>
    <message>
        <source>Only searches of this product (the query photo&apos;s, else the search&apos;s product filter).</source>
        <translation>この製品の検索だけ（クエリ写真の製品、なければ検索の絞り込み条件の製品）。</translation>
    </message>
    <message>
        <source>User</source>
        <translation>ユーザー</translation>
    </message>
    <message>
        <source>Only searches by this login name.</source>
        <translation>このログイン名による検索だけ。</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <source>Only searches with this model (its path or fingerprint).</source>
        <translation>このモデル（パスまたはフィンガープリント）による検索だけ。</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 日</translation>
    </message>
    <message>
        <source>Monitoring: hit@5 over these last days against the same number of days before.</source>
        <translation>監視：直近のこの日数の hit@5 を、その前の同じ日数と比べます。</translation>
    </message>
    <message>
        <source>&amp;From</source>
        <translation>開始日(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;To</source>
        <translation>終了日(&amp;T)</translation>
    </message>
    <message>
        <source>Recent &amp;period</source>
        <translation>直近の期間(&amp;P)</translation>
    </message>
    <message>
        <source>One-sided Fisher exact test on the counts: how likely so few recent hits at 5 would be if both periods had the same hit rate. A warning below p = 0.05.</source>
        <translation>件数に対する片側 Fisher の正確検定：両期間のヒット率が同じだとしたら、直近の上位 5 件ヒットがこれほど少なくなる確率。p &lt; 0.05 で警告します。</translation>
    </message>
    <message>
        <source>No confident match: photo searches whose best hit is below the library&apos;s confidence threshold, of those tested. Task time: from the query to the first hit marked right (median). Details in docs/POC.md.</source>
        <translation>確かな一致なし：信頼度を判定した写真検索のうち、最上位のヒットがライブラリの信頼度しきい値を下回ったもの。作業時間：検索してから最初のヒットを正解とするまで（中央値）。詳細は docs/POC.md を参照。</translation>
    </message>
    <message>
        <source>Hit@5 per ISO week, with 95% Wilson intervals</source>
        <translation>ISO 週ごとの hit@5（95% Wilson 区間つき）</translation>
    </message>
    <message>
        <source>Hit rate per week</source>
        <translation>週ごとのヒット率</translation>
    </message>
    <message>
        <source>Share of judged searches whose first right hit is among the first 5, per ISO week; the bars are the 95% Wilson score interval.</source>
        <translation>ISO 週ごとの、判定済みの検索のうち最初の正解ヒットが上位 5 件以内だった割合。縦棒は 95% Wilson スコア区間です。</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>グループ</translation>
    </message>
    <message>
        <source>Searches</source>
        <translation>検索数</translation>
    </message>
    <message>
        <source>Judged</source>
        <translation>判定済み</translation>
    </message>
    <message>
        <source>Hit@1</source>
        <translation>Hit@1</translation>
    </message>
    <message>
        <source>Hit@5</source>
        <translation>Hit@5</translation>
    </message>
    <message>
        <source>Hit@10</source>
        <translation>Hit@10</translation>
    </message>
    <message>
        <source>Judged searches whose first right hit is within the first K, with the 95% Wilson interval and hits/judged. A search judged &quot;none right&quot; that showed fewer than K hits is left out.</source>
        <translation>判定済みの検索のうち、最初の正解ヒットが上位 K 件以内だった割合（95% Wilson 区間、ヒット数/判定数）。「正解なし」と判定され、表示したヒットが K 件未満の検索は数えません。</translation>
    </message>
    <message>
        <source>Searches with a hit marked right or marked &quot;none right&quot;.</source>
        <translation>正解とされたヒットがある検索、または「正解なし」とされた検索。</translation>
    </message>
    <message>
        <source>Week</source>
        <translation>週</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>下限</translation>
    </message>
    <message>
        <source>High</source>
        <translation>上限</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>日</translation>
    </message>
    <message>
        <source>p50 (ms)</source>
        <translation>p50 (ms)</translation>
    </message>
    <message>
        <source>p95 (ms)</source>
        <translation>p95 (ms)</translation>
    </message>
    <message>
        <source>Median and 95th percentile of the whole search time (decode, encode, search), linear interpolation.</source>
        <translation>検索全体の時間（デコード、エンコード、検索）の中央値と 95 パーセンタイル（線形補間）。</translation>
    </message>
    <message>
        <source>Hit rates</source>
        <translation>ヒット率</translation>
    </message>
    <message>
        <source>Searches and latency per day</source>
        <translation>日ごとの検索数とレイテンシ</translation>
    </message>
    <message>
        <source>Proof of Concept</source>
        <translation>PoC（概念実証）</translation>
    </message>
    <message>
        <source>Open a library to see its figures.</source>
        <translation>ライブラリを開くと、その数値が表示されます。</translation>
    </message>
    <message>
        <source>Could not read the library</source>
        <translation>ライブラリを読み込めませんでした</translation>
    </message>
    <message>
        <source>The figures need the library&apos;s usage log.</source>
        <translation>数値の表示にはライブラリの利用ログが必要です。</translation>
    </message>
    <message>
        <source>The period is empty</source>
        <translation>期間が空です</translation>
    </message>
    <message>
        <source>The last day is before the first day.</source>
        <translation>終了日が開始日より前です。</translation>
    </message>
    <message>
        <source>Could not read the usage log</source>
        <translation>利用ログを読み込めませんでした</translation>
    </message>
    <message>
        <source>The figures are not up to date.</source>
        <translation>数値は最新ではありません。</translation>
    </message>
    <message>
        <source>Overall</source>
        <translation>全体</translation>
    </message>
    <message>
        <source>(label unknown)</source>
        <translation>（ラベル不明）</translation>
    </message>
    <message>
        <source>Week %1</source>
        <translation>%1 週</translation>
    </message>
    <message numerus="yes">
        <source>Searches in the period: %n, judged: %1</source>
        <translation>
            <numerusform>期間内の検索：%n 件、判定済み：%1 件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>per day: %1 (days with searches: %n)</source>
        <translation>
            <numerusform>1 日あたり：%1 件（検索のあった日：%n 日）</numerusform>
        </translation>
    </message>
    <message>
        <source>no confident match: %1 of %2 photo searches</source>
        <translation>確かな一致なし：写真検索 %2 件中 %1</translation>
    </message>
    <message>
        <source>median task time %1 s</source>
        <translation>作業時間の中央値 %1 秒</translation>
    </message>
    <message>
        <source>p &lt; 0.001</source>
        <translation>p &lt; 0.001</translation>
    </message>
    <message>
        <source>p = %1</source>
        <translation>p = %1</translation>
    </message>
    <message numerus="yes">
        <source>Monitoring: hit@5 needs judged searches in both the last %n days and the days before.</source>
        <translation>
            <numerusform>監視：hit@5 の比較には、直近 %n 日とその前の両方に判定済みの検索が必要です。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Warning: hit@5 over the last %n days (%1/%2) is significantly below the days before (%3/%4), %5.</source>
        <translation>
            <numerusform>警告：直近 %n 日の hit@5（%1/%2）は、その前の期間（%3/%4）より有意に低下しています（%5）。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Monitoring: hit@5 over the last %n days (%1/%2) against the days before (%3/%4): no significant drop, %5.</source>
        <translation>
            <numerusform>監視：直近 %n 日の hit@5（%1/%2）とその前の期間（%3/%4）：有意な低下はありません（%5）。</numerusform>
        </translation>
    </message>
    <message>
        <source>95% Wilson interval</source>
        <translation>95% Wilson 区間</translation>
    </message>
    <message>
        <source>Hit@5 (%)</source>
        <translation>Hit@5 (%)</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分</translation>
    </message>
    <message>
        <source>Minutes one lookup of a past defect took before this tool, from your time study.</source>
        <translation>このツールを使う前に、過去の不良を1件調べるのにかかっていた時間（分）。時間調査の値です。</translation>
    </message>
    <message>
        <source>not entered</source>
        <translation>未入力</translation>
    </message>
    <message>
        <source>Labour cost of one inspector hour, in your currency.</source>
        <translation>検査員1人の1時間あたりの人件費（自社の通貨で）。</translation>
    </message>
    <message>
        <source> W</source>
        <translation> W</translation>
    </message>
    <message>
        <source>Power draw of the search PC while it searches, in watts (a power meter, or the maker&apos;s figure).</source>
        <translation>検索中の検索用PCの消費電力（ワット。電力計の実測値、またはメーカーの公称値）。</translation>
    </message>
    <message>
        <source>Electricity price per kWh, in your currency.</source>
        <translation>1 kWhあたりの電気料金（自社の通貨で）。</translation>
    </message>
    <message>
        <source>One-off cost of introducing the tool (PC, set-up, training), in your currency.</source>
        <translation>ツール導入の一時費用（PC、設定、教育。自社の通貨で）。</translation>
    </message>
    <message>
        <source>Lookup &amp;before</source>
        <translation>導入前の調査時間(&amp;B)</translation>
    </message>
    <message>
        <source>Po&amp;wer</source>
        <translation>消費電力(&amp;W)</translation>
    </message>
    <message>
        <source>Price per &amp;kWh</source>
        <translation>電力単価(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;Investment</source>
        <translation>投資額(&amp;I)</translation>
    </message>
    <message>
        <source>Per month = the period&apos;s count ÷ its days × 30.44. Saved per lookup = the time before − the median task time; only searches with a hit marked right count as lookups (the others saved nothing). Hours saved = lookups per month × saved minutes ÷ 60; money saved = hours × hourly rate. Electricity per search = mean search time × power ÷ 3,600,000 kWh × price. Payback = investment ÷ (money saved − electricity) per month. Details in docs/POC.md.</source>
        <translation>1か月あたり = 期間内の件数 ÷ 期間の日数 × 30.44。1件あたりの短縮 = 導入前の時間 − 作業時間の中央値。正解の印が付いた検索だけを調査1件として数えます（それ以外は短縮なしとします）。短縮時間 = 月の調査件数 × 短縮分 ÷ 60、金額 = 時間 × 時給。1検索の電気代 = 平均検索時間 × 消費電力 ÷ 3,600,000 kWh × 単価。回収期間 = 投資額 ÷ 月あたりの（短縮金額 − 電気代）。詳しくは docs/POC.md。</translation>
    </message>
    <message>
        <source>Time and money: enter the minutes a lookup took before this tool (your time study).</source>
        <translation>時間と費用：このツールの導入前に1件の調査にかかっていた時間（分、時間調査の値）を入力してください。</translation>
    </message>
    <message>
        <source>Time and money: no search in the period yet.</source>
        <translation>時間と費用：期間内にまだ検索がありません。</translation>
    </message>
    <message>
        <source>Time and money: no search has a hit marked right yet, so there is no task time to compare.</source>
        <translation>時間と費用：正解の印が付いた検索がまだないため、比べる作業時間がありません。</translation>
    </message>
    <message>
        <source>Electricity: %1 per 1,000 searches (%2 s at %3 W), %4 a month.</source>
        <translation>電気代：1,000検索あたり %1（%2 秒、%3 W）、月 %4。</translation>
    </message>
    <message>
        <source>Payback of %1: %2 months.</source>
        <translation>投資額 %1 の回収期間：%2 か月。</translation>
    </message>
    <message>
        <source>No net saving: no payback.</source>
        <translation>正味の節約がないため、回収期間はありません。</translation>
    </message>
    <message>
        <source>&amp;Hourly rate</source>
        <translation>時給(&amp;H)</translation>
    </message>
    <message>
        <source>Time and money: %1 lookups a month with a right hit × %2 min saved (%3 min before, median task %4 min) = %5 hours a month (%6).</source>
        <translation>時間と費用：正解が見つかった調査 月 %1 件 × 1件あたり %2 分の短縮（導入前 %3 分、作業時間の中央値 %4 分）＝ 月 %5 時間（%6）。</translation>
    </message>
    <message>
        <source>Do the photos added in the recent period look like the earlier ones? A two-sample test on the embeddings of the library&apos;s main model: squared maximum mean discrepancy with a Gaussian kernel, p-value from 200 permutations, up to 400 photos of each side. A warning below p = 0.05: a new camera, light, product or defect, and the hit rates measured before may not hold. Details in docs/POC.md.</source>
        <translation>直近の期間に追加された写真は、それ以前の写真と似ていますか。ライブラリの主なモデルの埋め込みで2標本検定を行います（ガウスカーネルの最大平均差の2乗、200回の並べ替えによるp値、両側それぞれ最大400枚）。p &lt; 0.05 で警告します。新しいカメラ、照明、製品、不良の可能性があり、以前に測ったヒット率が当てはまらないかもしれません。詳しくは docs/POC.md。</translation>
    </message>
    <message>
        <source>Photo drift could not be computed: %1</source>
        <translation>写真のドリフトを計算できませんでした：%1</translation>
    </message>
    <message>
        <source>Photo drift: no photo has an embedding yet.</source>
        <translation>写真のドリフト：埋め込みのある写真がまだありません。</translation>
    </message>
    <message numerus="yes">
        <source>Photo drift: %1 photos added in the last %n days against %2 before; the test needs 10 on each side.</source>
        <translation>
            <numerusform>写真のドリフト：直近 %n 日間に追加された写真 %1 枚、それ以前 %2 枚。検定には両側それぞれ10枚が必要です。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Warning: the %1 photos added in the last %n days differ from the %2 before (%3): a new camera, light, product or defect? Hit rates measured before may not hold.</source>
        <translation>
            <numerusform>警告：直近 %n 日間に追加された写真 %1 枚は、それ以前の %2 枚と異なります（%3）。新しいカメラ、照明、製品、不良ではありませんか。以前に測ったヒット率が当てはまらないかもしれません。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Photo drift: the %1 photos added in the last %n days look like the %2 before (%3).</source>
        <translation>
            <numerusform>写真のドリフト：直近 %n 日間に追加された写真 %1 枚は、それ以前の %2 枚と似ています（%3）。</numerusform>
        </translation>
    </message>
    <message>
        <source>Compare &amp;Models…</source>
        <translation>モデルを比較(&amp;M)…</translation>
    </message>
    <message>
        <source>Compare two models</source>
        <translation>2つのモデルを比較</translation>
    </message>
    <message>
        <source>Compare two of the library&apos;s models on its labelled photos: hit rates, MRR and mAP with 95% intervals and p-values.</source>
        <translation>ライブラリの2つのモデルをラベル付き写真で比較します：ヒット率、MRR、mAP を 95% 区間と p 値付きで。</translation>
    </message>
    <message>
        <source>Photos &amp;Needed…</source>
        <translation>必要な写真数(&amp;N)…</translation>
    </message>
    <message>
        <source>How many labelled photos are needed</source>
        <translation>必要なラベル付き写真の数</translation>
    </message>
    <message>
        <source>Train on growing numbers of labelled photos per class from a folder of class folders, measure each on the same held-out photos and fit a learning curve: how many photos per class reach the accuracy you need.</source>
        <translation>クラスフォルダーの入ったフォルダーから、クラスあたりの枚数を増やしながら学習し、毎回同じ検証用写真で測って学習曲線を当てはめます。必要な正解率に届くクラスあたりの枚数がわかります。</translation>
    </message>
    <message>
        <source>Save Rep&amp;ort…</source>
        <translation>報告書を保存(&amp;O)…</translation>
    </message>
    <message>
        <source>Save the PoC report</source>
        <translation>PoC 報告書を保存</translation>
    </message>
    <message>
        <source>A report to sign, as PDF or HTML with its tables as CSV: the verdict, the hit rates with intervals, monitoring and drift, speed and cost, time and money, the two newest models compared, the last data-needs study, the models&apos; provenance and the machine.</source>
        <translation>承認用の報告書を PDF または HTML で、表を CSV で保存します：判定、区間付きのヒット率、監視とドリフト、速度と費用、時間と費用、最新2モデルの比較、最後の必要な写真数の調査、モデルの来歴、マシン。</translation>
    </message>
    <message>
        <source>Save the PoC Report</source>
        <translation>PoC 報告書を保存</translation>
    </message>
    <message>
        <source>poc-report</source>
        <translation>poc-report</translation>
    </message>
    <message>
        <source>PDF (*.pdf);;HTML (*.html)</source>
        <translation>PDF (*.pdf);;HTML (*.html)</translation>
    </message>
    <message>
        <source>Writing the report…</source>
        <translation>報告書を書いています…</translation>
    </message>
    <message>
        <source>The report could not be written</source>
        <translation>報告書を書けませんでした</translation>
    </message>
    <message>
        <source>Report saved: %1 (tables: %2).</source>
        <translation>報告書を保存しました：%1（表：%2）。</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::RegistryModel</name>
    <message>
        <source>fine-tuned (contrastive)</source>
        <translation>ファインチューニング(対照学習)</translation>
    </message>
    <message>
        <source>linear probe</source>
        <translation>線形プローブ</translation>
    </message>
    <message>
        <source>trained from scratch</source>
        <translation>ゼロから学習</translation>
    </message>
    <message>
        <source>val top-1</source>
        <translation>検証 top-1</translation>
    </message>
    <message>
        <source>val top-5</source>
        <translation>検証 top-5</translation>
    </message>
    <message>
        <source>image R@1</source>
        <translation>画像 R@1</translation>
    </message>
    <message>
        <source>before top-1</source>
        <translation>学習前 top-1</translation>
    </message>
    <message>
        <source>%1 %2 %</source>
        <extracomment>%1 metric name, %2 percentage</extracomment>
        <translation>%1 %2 %</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1(%2)</translation>
    </message>
    <message>
        <source>imported</source>
        <translation>取り込み</translation>
    </message>
    <message>
        <source>Unusable: %1</source>
        <translation>使用不可: %1</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>有効</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>構成</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>作成日時</translation>
    </message>
    <message>
        <source>Parent</source>
        <translation>親</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>学習</translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation>指標</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>differential attention</source>
        <translation>差分アテンション</translation>
    </message>
    <message>
        <source>standard attention</source>
        <translation>標準アテンション</translation>
    </message>
    <message>
        <source>ViT %1 px / patch %2</source>
        <extracomment>%1 input side in pixels, %2 patch side in pixels</extracomment>
        <translation>ViT %1 px / パッチ %2</translation>
    </message>
    <message>
        <source>width %1 × %2 blocks</source>
        <extracomment>%1 token width, %2 number of transformer blocks</extracomment>
        <translation>幅 %1 × %2 ブロック</translation>
    </message>
    <message>
        <source>embedding %1</source>
        <translation>埋め込み %1</translation>
    </message>
    <message>
        <source>, </source>
        <extracomment>separator between the parts of the architecture line</extracomment>
        <translation>、</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::RegistryPanel</name>
    <message>
        <source>Model registry</source>
        <translation>モデルレジストリ</translation>
    </message>
    <message>
        <source>Model versions in the registry</source>
        <translation>レジストリ内のモデルバージョン</translation>
    </message>
    <message>
        <source>Make &amp;Active</source>
        <translation>有効にする(&amp;A)</translation>
    </message>
    <message>
        <source>Make the selected model active for this library</source>
        <translation>選択したモデルをこのライブラリで有効にする</translation>
    </message>
    <message>
        <source>Search the open library with the selected model; photos it has not embedded yet are embedded as a job (Enter in the list does the same)</source>
        <translation>選択したモデルで開いているライブラリを検索します。まだ埋め込まれていない写真はジョブとして埋め込まれます（一覧で Enter キーを押しても同じです）</translation>
    </message>
    <message>
        <source>&amp;Roll Back</source>
        <translation>元に戻す(&amp;R)</translation>
    </message>
    <message>
        <source>Make the previously active model active again</source>
        <translation>以前に有効だったモデルを再び有効にする</translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation>削除(&amp;D)…</translation>
    </message>
    <message>
        <source>Delete the selected model version</source>
        <translation>選択したモデルバージョンを削除</translation>
    </message>
    <message>
        <source>Delete the selected model version from the registry (the active model cannot be deleted)</source>
        <translation>選択したモデルバージョンをレジストリから削除します（有効なモデルは削除できません）</translation>
    </message>
    <message>
        <source>Re&amp;fresh</source>
        <translation>再読み込み(&amp;F)</translation>
    </message>
    <message>
        <source>List the registry again</source>
        <translation>レジストリを読み込み直す</translation>
    </message>
    <message>
        <source>Details of the selected model version</source>
        <translation>選択したモデルバージョンの詳細</translation>
    </message>
    <message>
        <source>Embeddings in this library:</source>
        <translation>このライブラリの埋め込み：</translation>
    </message>
    <message>
        <source>No earlier model of this library to go back to</source>
        <translation>このライブラリには戻せる以前のモデルがありません</translation>
    </message>
    <message>
        <source>Make %1 active again</source>
        <translation>%1 を再び有効にする</translation>
    </message>
    <message>
        <source>The registry is empty. Import a model file, or train one on the Training page; each version is kept in %1.</source>
        <translation>レジストリは空です。モデルファイルを取り込むか、学習ページでモデルを学習してください。各バージョンは %1 に保存されます。</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名前：</translation>
    </message>
    <message>
        <source>Folder:</source>
        <translation>フォルダー：</translation>
    </message>
    <message>
        <source>Unusable:</source>
        <translation>使用不可：</translation>
    </message>
    <message>
        <source>Architecture:</source>
        <translation>構成：</translation>
    </message>
    <message>
        <source>Weights:</source>
        <translation>重み：</translation>
    </message>
    <message>
        <source>Trained from:</source>
        <translation>学習元：</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>不明</translation>
    </message>
    <message>
        <source>Recipe:</source>
        <translation>レシピ：</translation>
    </message>
    <message>
        <source>Data fingerprint:</source>
        <translation>データのフィンガープリント：</translation>
    </message>
    <message>
        <source>Validation:</source>
        <translation>検証：</translation>
    </message>
    <message>
        <source>Origin:</source>
        <translation>由来：</translation>
    </message>
    <message>
        <source>imported (no training record)</source>
        <translation>取り込み（学習記録なし）</translation>
    </message>
    <message>
        <source>Weights SHA-256:</source>
        <translation>重みの SHA-256：</translation>
    </message>
    <message>
        <source>In this library:</source>
        <translation>このライブラリ内：</translation>
    </message>
    <message>
        <source>no embeddings</source>
        <translation>埋め込みなし</translation>
    </message>
    <message numerus="yes">
        <source>%n embedding(s)</source>
        <translation>
            <numerusform>%n 件の埋め込み</numerusform>
        </translation>
    </message>
    <message>
        <source>Delete Model Version</source>
        <translation>モデルバージョンの削除</translation>
    </message>
    <message>
        <source>Delete “%1” from the model registry?
The folder %2 is removed; this cannot be undone.</source>
        <translation>「%1」をモデルレジストリから削除しますか？
フォルダー %2 が削除されます。この操作は元に戻せません。</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>削除</translation>
    </message>
    <message numerus="yes">
        <source>Also delete its %n embedding(s) from this library</source>
        <translation>
            <numerusform>このライブラリにあるこのモデルの %n 件の埋め込みも削除する</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>diffclip::ui::SearchFilterBar</name>
    <message>
        <source>Label filter</source>
        <translation>ラベルの絞り込み</translation>
    </message>
    <message>
        <source>Any label</source>
        <translation>すべてのラベル</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>ライン</translation>
    </message>
    <message>
        <source>Line filter</source>
        <translation>ラインの絞り込み</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>製品</translation>
    </message>
    <message>
        <source>Product filter</source>
        <translation>製品の絞り込み</translation>
    </message>
    <message>
        <source>From YYYY-MM-DD</source>
        <translation>開始 YYYY-MM-DD</translation>
    </message>
    <message>
        <source>Date from</source>
        <translation>開始日</translation>
    </message>
    <message>
        <source>To YYYY-MM-DD</source>
        <translation>終了 YYYY-MM-DD</translation>
    </message>
    <message>
        <source>Date to</source>
        <translation>終了日</translation>
    </message>
    <message>
        <source>field=value; field=value</source>
        <translation>項目=値; 項目=値</translation>
    </message>
    <message>
        <source>Other filters</source>
        <translation>その他の絞り込み</translation>
    </message>
    <message>
        <source>Number of results</source>
        <translation>結果の件数</translation>
    </message>
    <message>
        <source>How many results (groups of similar photos) to show</source>
        <translation>表示する結果（類似写真のグループ）の件数</translation>
    </message>
    <message>
        <source>&amp;Results:</source>
        <translation>結果(&amp;R)：</translation>
    </message>
    <message>
        <source>Filters:</source>
        <translation>絞り込み：</translation>
    </message>
    <message>
        <source>Filter not understood: “%1”</source>
        <translation>絞り込み条件を解釈できません：「%1」</translation>
    </message>
    <message>
        <source>Write each condition as field=value and separate them with semicolons, e.g. lot=A12; inspector=Sato.</source>
        <translation>各条件を 項目=値 の形で書き、セミコロンで区切ってください（例：lot=A12; inspector=Sato）。</translation>
    </message>
    <message>
        <source>Conditions can name these fields: %1.</source>
        <translation>条件に使える項目：%1。</translation>
    </message>
    <message>
        <source>Labels are chosen in the label list, not with field=value.</source>
        <translation>ラベルは 項目=値 ではなく、ラベルの一覧から選んでください。</translation>
    </message>
    <message>
        <source>Unknown filter field “%1”</source>
        <translation>不明な絞り込み項目「%1」</translation>
    </message>
    <message>
        <source>Conditions on lot, inspector, notes or imported CSV columns, e.g. lot=A12; inspector=Sato</source>
        <translation>ロット、検査者、備考、取り込んだ CSV の列に対する条件（例：lot=A12; inspector=Sato）</translation>
    </message>
    <message>
        <source>Conditions as field=value; separate them with semicolons. Fields: %1</source>
        <translation>条件は 項目=値 の形で書き、セミコロンで区切ります。項目：%1</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::SearchHitDelegate</name>
    <message>
        <source>Photo not available</source>
        <translation>写真を表示できません</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>読み込み中…</translation>
    </message>
    <message>
        <source>+%1 similar</source>
        <translation>+%1 件の類似</translation>
    </message>
    <message>
        <source>(no label)</source>
        <translation>（ラベルなし）</translation>
    </message>
    <message>
        <source>✓ right</source>
        <translation>✓ 正しい</translation>
    </message>
    <message>
        <source>✗ wrong</source>
        <translation>✗ 誤り</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::SearchPage</name>
    <message>
        <source>Choose Photo</source>
        <translation>写真を選ぶ</translation>
    </message>
    <message>
        <source>Paste Image</source>
        <translation>画像を貼り付け</translation>
    </message>
    <message>
        <source>Text Search</source>
        <translation>テキスト検索</translation>
    </message>
    <message>
        <source>Choose Query Photos</source>
        <translation>クエリ写真を選ぶ</translation>
    </message>
    <message>
        <source>No photos to search with</source>
        <translation>検索に使える写真がありません</translation>
    </message>
    <message>
        <source>The dropped folders hold no JPEG, PNG, TIFF, WebP or BMP files.</source>
        <translation>ドロップしたフォルダーには JPEG、PNG、TIFF、WebP、BMP ファイルがありません。</translation>
    </message>
    <message>
        <source>Only the first %1 photos are searched</source>
        <translation>最初の %1 枚だけを検索します</translation>
    </message>
    <message>
        <source>To compare many photos with the library, index them and use the Library page.</source>
        <translation>多数の写真をライブラリと比較するには、インデックスを作成してライブラリページを使ってください。</translation>
    </message>
    <message>
        <source>Nothing to paste</source>
        <translation>貼り付けるものがありません</translation>
    </message>
    <message>
        <source>The clipboard holds no image. Copy a photo or an image file, then paste again.</source>
        <translation>クリップボードに画像がありません。写真または画像ファイルをコピーしてから、もう一度貼り付けてください。</translation>
    </message>
    <message>
        <source>No library is open</source>
        <translation>ライブラリが開かれていません</translation>
    </message>
    <message>
        <source>Open or create a library first: the search compares your photo with its photos.</source>
        <translation>先にライブラリを開くか作成してください。検索では、写真をライブラリ内の写真と比較します。</translation>
    </message>
    <message>
        <source>Drop a defect photo here, paste one with Ctrl+V, choose one with Ctrl+O, or type words above and press Enter.</source>
        <translation>ここに不良の写真をドロップするか、Ctrl+V で貼り付けるか、Ctrl+O で選ぶか、上に言葉を入力して Enter を押してください。</translation>
    </message>
    <message>
        <source>No library is open. Open a library to search its photos.</source>
        <translation>ライブラリが開かれていません。写真を検索するにはライブラリを開いてください。</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>検索中…</translation>
    </message>
    <message>
        <source>Could not search with %1</source>
        <translation>%1 で検索できませんでした</translation>
    </message>
    <message>
        <source>No results: the search failed (see the message above).</source>
        <translation>結果なし：検索に失敗しました（上のメッセージを参照）。</translation>
    </message>
    <message>
        <source>No photos pass the filters, or none are embedded by this model yet.</source>
        <translation>絞り込み条件に合う写真がないか、このモデルで埋め込まれた写真がまだありません。</translation>
    </message>
    <message>
        <source>No results.</source>
        <translation>結果はありません。</translation>
    </message>
    <message>
        <source>No confident match. The best score, %1, is below this library&apos;s own threshold of %2: this photo is further from the library than 95% of its photos are from their nearest neighbour. The closest photos are listed anyway.</source>
        <translation>確かな一致はありません。最高スコア %1 は、このライブラリ独自のしきい値 %2 を下回っています。つまりこの写真は、ライブラリの写真の 95% がそれぞれの最も近い写真から離れている距離よりも、ライブラリから離れています。参考として最も近い写真を表示しています。</translation>
    </message>
    <message numerus="yes">
        <source>%n result(s) from %1 photos in %2 s</source>
        <translation>
            <numerusform>%1 枚の写真から %n 件の結果（%2 秒）</numerusform>
        </translation>
    </message>
    <message>
        <source>threshold %1</source>
        <translation>しきい値 %1</translation>
    </message>
    <message>
        <source>text scores are not calibrated</source>
        <translation>テキストのスコアは較正されていません</translation>
    </message>
    <message>
        <source>library too small to judge confidence</source>
        <translation>ライブラリが小さすぎて確からしさを判定できません</translation>
    </message>
    <message>
        <source>Searching with %1…</source>
        <translation>%1 で検索中…</translation>
    </message>
    <message>
        <source>(%1 of %2)</source>
        <translation>（%1 / %2）</translation>
    </message>
    <message>
        <source>Could not list the library&apos;s labels</source>
        <translation>ライブラリのラベル一覧を取得できませんでした</translation>
    </message>
    <message>
        <source>The label filter offers no choices until the library can be read.</source>
        <translation>ライブラリを読み込めるまで、ラベルの絞り込みに選択肢は表示されません。</translation>
    </message>
    <message>
        <source>Embedding the missing photos failed</source>
        <translation>足りない写真の埋め込みに失敗しました</translation>
    </message>
    <message>
        <source>Nothing to export</source>
        <translation>書き出すものがありません</translation>
    </message>
    <message>
        <source>There are no search results yet.</source>
        <translation>まだ検索結果がありません。</translation>
    </message>
    <message>
        <source>Could not export the results</source>
        <translation>結果を書き出せませんでした</translation>
    </message>
    <message>
        <source>The file could not be created. Check the folder exists and you may write there.</source>
        <translation>ファイルを作成できませんでした。フォルダーが存在し、書き込む権限があることを確認してください。</translation>
    </message>
    <message>
        <source>Writing the file failed. Check that the disk is not full.</source>
        <translation>ファイルの書き込みに失敗しました。ディスクに空きがあるか確認してください。</translation>
    </message>
    <message>
        <source>Export Search Results</source>
        <translation>検索結果の書き出し</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV ファイル (*.csv)</translation>
    </message>
    <message>
        <source>Could not read the library</source>
        <translation>ライブラリを読み込めませんでした</translation>
    </message>
    <message>
        <source>The filters offer no choices and judgements cannot be saved until the library can be read.</source>
        <translation>ライブラリを読み込めるまで、絞り込みに選択肢は表示されず、判定も保存できません。</translation>
    </message>
    <message>
        <source>Photos (%1);;All files (*)</source>
        <translation>写真 (%1);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Not searched: the filters are not valid (see the message above).</source>
        <translation>検索していません：絞り込み条件が正しくありません（上のメッセージを参照）。</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n row(s) to %1</source>
        <translation>
            <numerusform>%n 行を %1 に書き出しました</numerusform>
        </translation>
    </message>
    <message>
        <source>This search was not logged in the library&apos;s usage log: %1</source>
        <translation>この検索はライブラリの利用ログに記録されませんでした: %1</translation>
    </message>
    <message>
        <source>Recorded: none of these hits is right.</source>
        <translation>記録しました：どのヒットも正解ではありません。</translation>
    </message>
    <message>
        <source>Not recorded: %1</source>
        <translation>記録できませんでした：%1</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::SearchQueryBar</name>
    <message>
        <source>Choose Photo…</source>
        <translation>写真を選ぶ…</translation>
    </message>
    <message>
        <source>Search with one or more photos (Ctrl+O)</source>
        <translation>1 枚以上の写真で検索します（Ctrl+O）</translation>
    </message>
    <message>
        <source>Choose query photo</source>
        <translation>クエリ写真を選ぶ</translation>
    </message>
    <message>
        <source>Paste</source>
        <translation>貼り付け</translation>
    </message>
    <message>
        <source>Search with the image on the clipboard (Ctrl+V)</source>
        <translation>クリップボードの画像で検索します（Ctrl+V）</translation>
    </message>
    <message>
        <source>Paste query image</source>
        <translation>クエリ画像を貼り付ける</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV に書き出す…</translation>
    </message>
    <message>
        <source>Export results as CSV</source>
        <translation>結果を CSV に書き出す</translation>
    </message>
    <message>
        <source>Save the results of every query as a CSV file</source>
        <translation>すべてのクエリの結果を CSV ファイルに保存します</translation>
    </message>
    <message>
        <source>Or describe the defect, e.g. hairline crack near the weld</source>
        <translation>または不良を言葉で説明（例：溶接部付近の細いひび割れ）</translation>
    </message>
    <message>
        <source>Text search</source>
        <translation>テキスト検索</translation>
    </message>
    <message>
        <source>Search Text</source>
        <translation>テキストで検索</translation>
    </message>
    <message>
        <source>Search by text</source>
        <translation>テキストで検索する</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>検索</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::SearchQueryPanel</name>
    <message>
        <source>Query</source>
        <translation>クエリ</translation>
    </message>
    <message>
        <source>Queries</source>
        <translation>クエリ</translation>
    </message>
    <message>
        <source>&amp;Queries:</source>
        <translation>クエリ(&amp;Q)：</translation>
    </message>
    <message>
        <source>“%1”</source>
        <translation>「%1」</translation>
    </message>
    <message>
        <source>Pasted image</source>
        <translation>貼り付けた画像</translation>
    </message>
    <message>
        <source>searching…</source>
        <translation>検索中…</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>待機中</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失敗</translation>
    </message>
    <message numerus="yes">
        <source>%n result(s)</source>
        <translation>
            <numerusform>%n 件の結果</numerusform>
        </translation>
    </message>
    <message>
        <source>Drop a photo here</source>
        <translation>ここに写真をドロップ</translation>
    </message>
    <message>
        <source>Text search</source>
        <translation>テキスト検索</translation>
    </message>
    <message>
        <source>This photo cannot be shown.</source>
        <translation>この写真は表示できません。</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>読み込み中…</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::SearchResultsModel</name>
    <message>
        <source>Score: %1</source>
        <translation>スコア：%1</translation>
    </message>
    <message>
        <source>Label: %1</source>
        <translation>ラベル：%1</translation>
    </message>
    <message numerus="yes">
        <source>%n similar photo(s) in this group</source>
        <translation>
            <numerusform>このグループの類似写真 %n 枚</numerusform>
        </translation>
    </message>
    <message>
        <source>%1, score %2, label %3</source>
        <translation>%1、スコア %2、ラベル %3</translation>
    </message>
    <message>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>製品</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>ライン</translation>
    </message>
    <message>
        <source>Lot</source>
        <translation>ロット</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日付</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>検査者</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>備考</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>right match</source>
        <translation>正しい一致</translation>
    </message>
    <message>
        <source>wrong match</source>
        <translation>誤った一致</translation>
    </message>
    <message>
        <source>Your judgement: %1</source>
        <translation>あなたの判定：%1</translation>
    </message>
    <message>
        <source>, judged %1</source>
        <translation>、判定 %1</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::SearchResultsPanel</name>
    <message>
        <source>Searching</source>
        <translation>検索中</translation>
    </message>
    <message>
        <source>No confident match</source>
        <translation>確かな一致なし</translation>
    </message>
    <message>
        <source>Photos not yet embedded</source>
        <translation>まだ埋め込まれていない写真</translation>
    </message>
    <message>
        <source>Embed Them Now</source>
        <translation>今すぐ埋め込む</translation>
    </message>
    <message>
        <source>Embed the missing photos now</source>
        <translation>足りない写真を今すぐ埋め込む</translation>
    </message>
    <message>
        <source>Runs as a background job; the search is repeated when it ends</source>
        <translation>バックグラウンドのジョブとして実行し、終わったら検索をやり直します</translation>
    </message>
    <message>
        <source>Search results</source>
        <translation>検索結果</translation>
    </message>
    <message>
        <source>Search status</source>
        <translation>検索の状態</translation>
    </message>
    <message>
        <source>Last action</source>
        <translation>直前の操作</translation>
    </message>
    <message numerus="yes">
        <source>Not yet embedded by this model: %n photo(s). They are left out of this search until they are embedded.</source>
        <translation>
            <numerusform>このモデルでまだ埋め込まれていない写真：%n 枚。埋め込まれるまで検索の対象外です。</numerusform>
        </translation>
    </message>
    <message>
        <source>None Right</source>
        <translation>正解なし</translation>
    </message>
    <message>
        <source>None of these hits is right</source>
        <translation>どのヒットも正解ではない</translation>
    </message>
    <message>
        <source>Records that no hit of this search shows the same defect. The PoC figures count it as a miss; mark a hit right instead when one is.</source>
        <translation>この検索のどのヒットも同じ欠陥を示していないことを記録します。PoC の数値では不一致として数えます。正解のヒットがあれば、代わりにそのヒットを正解としてください。</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::SettingsPage</name>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>言語</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>システムの設定に従う</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>テーマ</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>ライト</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>ダーク</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>外観</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>言語(&amp;L)：</translation>
    </message>
    <message>
        <source>&amp;Theme:</source>
        <translation>テーマ(&amp;T)：</translation>
    </message>
    <message>
        <source>Light and Dark use the Fusion style; System default uses the look of your desktop.</source>
        <translation>ライトとダークでは Fusion スタイルを使います。「システムの設定に従う」ではデスクトップの外観を使います。</translation>
    </message>
    <message>
        <source>CPU threads</source>
        <translation>CPU スレッド数</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>自動</translation>
    </message>
    <message>
        <source>Performance</source>
        <translation>パフォーマンス</translation>
    </message>
    <message>
        <source>Threads used when a model runs on the CPU. Automatic (0) picks a number that suits this processor and precision. Logical processors in this computer: %1.</source>
        <translation>モデルを CPU で実行するときに使うスレッド数です。自動（0）では、このプロセッサーと計算精度に合った数を選びます。このコンピューターの論理プロセッサー数：%1。</translation>
    </message>
    <message>
        <source>The new language is used after you restart DiffCLIP Studio.</source>
        <translation>新しい言語は DiffCLIP Studio の再起動後に使われます。</translation>
    </message>
    <message>
        <source>A change of language takes effect after a restart.</source>
        <translation>言語の変更は再起動後に反映されます。</translation>
    </message>
    <message>
        <source>CPU t&amp;hreads:</source>
        <translation>CPU スレッド数(&amp;H)：</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>デバイス</translation>
    </message>
    <message>
        <source>Automatic (GPU when available)</source>
        <translation>自動（使える場合は GPU）</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>GPU (CUDA)</source>
        <translation>GPU（CUDA）</translation>
    </message>
    <message>
        <source>&amp;Device:</source>
        <translation>デバイス(&amp;D)：</translation>
    </message>
    <message>
        <source>Where models run. Automatic uses an NVIDIA GPU when one is usable and the CPU otherwise. Applies the next time a library or model is opened.</source>
        <translation>モデルを実行する場所です。自動では、使用できる NVIDIA GPU があればそれを、なければ CPU を使います。次にライブラリまたはモデルを開いたときから適用されます。</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>バッチサイズ</translation>
    </message>
    <message>
        <source>&amp;Batch size:</source>
        <translation>バッチサイズ(&amp;B)：</translation>
    </message>
    <message>
        <source>Photos embedded together when adding photos, re-embedding or auto-tagging. Larger batches are faster on a GPU and need more memory; each batch is saved to the library as it finishes.</source>
        <translation>写真の追加、再埋め込み、自動ラベル付けで一度に埋め込む写真の枚数です。大きいほど GPU では速くなりますが、より多くのメモリが必要です。各バッチは終わるたびにライブラリに保存されます。</translation>
    </message>
    <message>
        <source>Default library location</source>
        <translation>既定のライブラリの場所</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <source>Choose the default library location</source>
        <translation>既定のライブラリの場所を選ぶ</translation>
    </message>
    <message>
        <source>Default Library</source>
        <translation>既定のライブラリ</translation>
    </message>
    <message>
        <source>DiffCLIP libraries (*.dclib)</source>
        <translation>DiffCLIP ライブラリ (*.dclib)</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>リセット</translation>
    </message>
    <message>
        <source>Use the built-in default library location</source>
        <translation>組み込みの既定の場所を使う</translation>
    </message>
    <message>
        <source>Forget Recent Libraries</source>
        <translation>最近使ったライブラリを消去</translation>
    </message>
    <message>
        <source>Clear the list of recently opened libraries</source>
        <translation>最近開いたライブラリの一覧を消去する</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>ライブラリ</translation>
    </message>
    <message>
        <source>Default &amp;location:</source>
        <translation>既定の場所(&amp;L)：</translation>
    </message>
    <message>
        <source>Where “Create the Default Library” and “New Library…” put the library file. Built in: %1. The last library you opened is opened again at start.</source>
        <translation>「既定のライブラリを作成」と「新しいライブラリ…」でライブラリファイルを置く場所です。組み込みの既定値：%1。前回開いたライブラリは起動時に再び開かれます。</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>計算精度</translation>
    </message>
    <message>
        <source>Automatic (int8 on this processor when it passes the check, else fp32)</source>
        <translation>自動（このプロセッサーではチェックに合格すれば int8、合格しなければ fp32）</translation>
    </message>
    <message>
        <source>Automatic (%1 on this processor)</source>
        <translation>自動（このプロセッサーでは %1）</translation>
    </message>
    <message>
        <source>fp32 (exact, slowest)</source>
        <translation>fp32（正確、最も低速）</translation>
    </message>
    <message>
        <source>bf16</source>
        <translation>bf16</translation>
    </message>
    <message>
        <source>int8 (processor only)</source>
        <translation>int8（プロセッサーのみ）</translation>
    </message>
    <message>
        <source>How models compute. Automatic uses bf16 on a GPU or on a processor with bf16 instructions; on other processors int8, when its results stay within 0.1 % of fp32 on a check made each time a model is opened, else fp32. Choose fp32 to compute exactly. Applies the next time a library or model is opened.</source>
        <translation>モデルの計算方法です。自動では、GPU または bf16 命令を持つプロセッサーでは bf16 を使います。それ以外のプロセッサーでは、モデルを開くたびに行うチェックで結果が fp32 との差 0.1 % 以内に収まれば int8 を、収まらなければ fp32 を使います。正確に計算するには fp32 を選んでください。次にライブラリまたはモデルを開いたときから適用されます。</translation>
    </message>
    <message>
        <source>&amp;Precision:</source>
        <translation>計算精度(&amp;P)：</translation>
    </message>
    <message>
        <source>In use: shown once a library is open with a model.</source>
        <translation>使用中：ライブラリをモデルとともに開くと表示されます。</translation>
    </message>
    <message>
        <source>In use: int8 (cosine %1 with fp32 on the check at load).</source>
        <translation>使用中：int8（読み込み時のチェックで fp32 とのコサイン類似度 %1）。</translation>
    </message>
    <message>
        <source>In use: int8, below the check (cosine %1 with fp32): its embeddings are kept apart from fp32 ones.</source>
        <translation>使用中：int8、チェック基準未満（fp32 とのコサイン類似度 %1）：その埋め込みは fp32 の埋め込みと混在させません。</translation>
    </message>
    <message>
        <source>In use: %1 (int8 reached only cosine %2 with fp32 on the check at load).</source>
        <translation>使用中：%1（int8 は読み込み時のチェックで fp32 とのコサイン類似度が %2 にとどまりました）。</translation>
    </message>
    <message>
        <source>In use: %1.</source>
        <translation>使用中：%1。</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::StartPage</name>
    <message>
        <source>Command</source>
        <translation>コマンド</translation>
    </message>
    <message>
        <source>Welcome to DiffCLIP Studio</source>
        <translation>DiffCLIP Studio へようこそ</translation>
    </message>
    <message>
        <source>Getting started</source>
        <translation>はじめに</translation>
    </message>
    <message>
        <source>Open a model: a DiffCLIP or CLIP training checkpoint (.pt, .pth), a .safetensors file, or a model package folder. You can also drop it onto this window.</source>
        <translation>まずモデルを開きます。DiffCLIP または CLIP の学習チェックポイント（.pt、.pth）、.safetensors ファイル、モデルパッケージのフォルダーを開けます。このウィンドウにドロップしても開けます。</translation>
    </message>
    <message>
        <source>Open Model…</source>
        <translation>モデルを開く…</translation>
    </message>
    <message>
        <source>Open model file</source>
        <translation>モデルファイルを開く</translation>
    </message>
    <message>
        <source>Open Package Folder…</source>
        <translation>パッケージフォルダーを開く…</translation>
    </message>
    <message>
        <source>Open model package folder</source>
        <translation>モデルパッケージのフォルダーを開く</translation>
    </message>
    <message>
        <source>For the public DiffCLIP checkpoints, the command-line tool can first convert the checkpoint into a model package (weights as safetensors, the configuration and the tokenizer in one folder):</source>
        <translation>公開されている DiffCLIP のチェックポイントは、コマンドラインツールで先にモデルパッケージ（safetensors 形式の重み・設定・トークナイザーをまとめたフォルダー）に変換できます：</translation>
    </message>
    <message>
        <source>Recent models</source>
        <translation>最近使ったモデル</translation>
    </message>
    <message>
        <source>No models opened yet.</source>
        <translation>まだモデルを開いていません。</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>開く</translation>
    </message>
    <message>
        <source>Open the selected recent model</source>
        <translation>選択した最近のモデルを開く</translation>
    </message>
    <message>
        <source>Clear List</source>
        <translation>一覧を消去</translation>
    </message>
    <message>
        <source>Clear the list of recent models</source>
        <translation>最近使ったモデルの一覧を消去</translation>
    </message>
    <message>
        <source>%1 (not found)</source>
        <translation>%1（見つかりません）</translation>
    </message>
    <message>
        <source>%1 no longer exists or is on a drive that is not connected.</source>
        <translation>%1 は存在しないか、接続されていないドライブ上にあります。</translation>
    </message>
    <message>
        <source>To check that the model computes what the reference implementation computes, compare it with reference outputs saved from that implementation:</source>
        <translation>モデルが参照実装と同じ計算結果を出すかどうかは、参照実装で保存した出力と比べて確認できます：</translation>
    </message>
    <message>
        <source>Next step</source>
        <translation>次の手順</translation>
    </message>
    <message>
        <source>Open a model file</source>
        <translation>モデルファイルを開く</translation>
    </message>
    <message>
        <source>Create the Default Library</source>
        <translation>既定のライブラリを作成</translation>
    </message>
    <message>
        <source>Create the default library</source>
        <translation>既定のライブラリを作成する</translation>
    </message>
    <message>
        <source>Open Library…</source>
        <translation>ライブラリを開く…</translation>
    </message>
    <message>
        <source>Open a library file</source>
        <translation>ライブラリファイルを開く</translation>
    </message>
    <message>
        <source>Go to the Library</source>
        <translation>ライブラリへ移動</translation>
    </message>
    <message>
        <source>Show the Library page</source>
        <translation>ライブラリページを表示する</translation>
    </message>
    <message>
        <source>DiffCLIP Studio brings DiffCLIP to quality work on defect photos. DiffCLIP is CLIP, a model that places images and text in one shared space, with differential attention: each attention head subtracts a second attention map from the first, which cancels attention noise and keeps the focus on the object. Everything runs on this computer; no photo or model leaves it. Open models to see their architecture and checksums, keep a library of your photos with labels and metadata, and let long work (adding photos, re-embedding) run in the background on the Jobs page.</source>
        <translation>DiffCLIP Studio は、DiffCLIP を不良品写真の品質業務に活用するためのアプリです。DiffCLIP は、画像とテキストを 1 つの共通空間に配置するモデル CLIP に差分アテンションを組み合わせたものです。各アテンションヘッドが 1 つ目のアテンションマップから 2 つ目を差し引くことで、アテンションのノイズを打ち消し、対象物に焦点を保ちます。処理はすべてこのコンピューター上で行われ、写真やモデルが外部に送られることはありません。モデルを開いて構成やチェックサムを確認し、写真をラベルやメタデータとともにライブラリで管理し、時間のかかる処理（写真の追加、再埋め込み）はジョブページでバックグラウンド実行できます。</translation>
    </message>
    <message>
        <source>Nothing is set up yet. First open a model: it becomes the active model, which turns photos into embeddings for search. Then create a library and add a folder of photos to it. The library is one file; your photos stay where they are.</source>
        <translation>まだ何も準備されていません。まずモデルを開いてください。開いたモデルが有効なモデルになり、写真を検索用の埋め込みに変換します。次にライブラリを作成し、写真のフォルダーを追加します。ライブラリは 1 つのファイルで、写真そのものは元の場所に置いたままです。</translation>
    </message>
    <message>
        <source>The active model is %1. Now create a library (or open an existing one): it uses the active model. Then add a folder of photos on the Library page.</source>
        <translation>有効なモデルは %1 です。次にライブラリを作成してください（既存のライブラリを開くこともできます）。ライブラリでは有効なモデルが使われます。その後、ライブラリページで写真のフォルダーを追加します。</translation>
    </message>
    <message>
        <source>The library %1 is open, but no model is active. Open a model: the one the library was indexed with, or another one. It becomes the library&apos;s active model.</source>
        <translation>ライブラリ %1 は開いていますが、有効なモデルがありません。モデルを開いてください（ライブラリのインデックス作成に使ったモデル、または別のモデル）。開いたモデルがライブラリの有効なモデルになります。</translation>
    </message>
    <message>
        <source>The library %1 is being opened with the active model %2…</source>
        <translation>ライブラリ %1 を有効なモデル %2 で開いています…</translation>
    </message>
    <message>
        <source>Ready: the library %1 is open with the active model %2. Add a folder of photos on the Library page, label them, and follow the work on the Jobs page.</source>
        <translation>準備完了：ライブラリ %1 が有効なモデル %2 で開かれています。ライブラリページで写真のフォルダーを追加してラベルを付け、処理の状況はジョブページで確認してください。</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::StatusLine</name>
    <message>
        <source>Undo</source>
        <translation>元に戻す</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::TrainingCharts</name>
    <message>
        <source>Training loss</source>
        <translation>学習損失</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>損失</translation>
    </message>
    <message>
        <source>Validation top-1</source>
        <translation>検証 top-1</translation>
    </message>
    <message>
        <source>%</source>
        <translation>%</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学習率</translation>
    </message>
    <message>
        <source>rate</source>
        <translation>学習率</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::TrainingCurveModels</name>
    <message>
        <source>training</source>
        <translation>学習</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::TrainingDataPanel</name>
    <message>
        <source>Data</source>
        <translation>データ</translation>
    </message>
    <message>
        <source>Folder with one subfolder per class</source>
        <translation>クラスごとにサブフォルダーがあるフォルダー</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>データフォルダー</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>選択…</translation>
    </message>
    <message>
        <source>Use the Library&apos;s Labels</source>
        <translation>ライブラリのラベルを使う</translation>
    </message>
    <message>
        <source>Mirror the open library&apos;s labels as one folder per class (links to the photos) and train on that.</source>
        <translation>開いているライブラリのラベルをクラスごとのフォルダー（写真へのリンク）として作成し、それで学習します。</translation>
    </message>
    <message>
        <source>Classes</source>
        <translation>クラス</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>クラス</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>写真</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>プロンプト</translation>
    </message>
    <message>
        <source>Folder with One Subfolder per Class</source>
        <translation>クラスごとにサブフォルダーがあるフォルダー</translation>
    </message>
    <message>
        <source>Listing the classes of “%1”…</source>
        <translation>「%1」のクラスを調べています…</translation>
    </message>
    <message>
        <source>From prompt.txt</source>
        <translation>prompt.txt から</translation>
    </message>
    <message>
        <source>Default prompt</source>
        <translation>既定のプロンプト</translation>
    </message>
    <message>
        <source>Each subfolder is a class; its name is the label.</source>
        <translation>各サブフォルダーが 1 つのクラスで、その名前がラベルになります。</translation>
    </message>
    <message>
        <source>The folder “%1” does not exist.</source>
        <translation>フォルダー「%1」は存在しません。</translation>
    </message>
    <message>
        <source>The folder “%1” cannot be read completely.</source>
        <translation>フォルダー「%1」を完全には読み込めません。</translation>
    </message>
    <message numerus="yes">
        <source>%n class(es), %1 photos.</source>
        <translation>
            <numerusform>%n クラス、写真 %1 枚。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>diffclip::ui::TrainingPage</name>
    <message>
        <source>Training</source>
        <translation>学習</translation>
    </message>
    <message>
        <source>Start Training</source>
        <translation>学習を開始</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Training progress</source>
        <translation>学習の進捗</translation>
    </message>
    <message>
        <source>Choose a data folder, then start.</source>
        <translation>データフォルダーを選んでから開始してください。</translation>
    </message>
    <message>
        <source>Cannot use the library&apos;s labels</source>
        <translation>ライブラリのラベルを使えません</translation>
    </message>
    <message>
        <source>The folder “%1” cannot be made.</source>
        <translation>フォルダー「%1」を作成できません。</translation>
    </message>
    <message>
        <source>Mirror labels for training</source>
        <translation>学習用にラベルをミラー</translation>
    </message>
    <message>
        <source>The folder “%1” does not exist.</source>
        <translation>フォルダー「%1」は存在しません。</translation>
    </message>
    <message>
        <source>Cannot start training</source>
        <translation>学習を開始できません</translation>
    </message>
    <message>
        <source>Choose a folder with one subfolder of photos per class.</source>
        <translation>クラスごとに写真のサブフォルダーがあるフォルダーを選んでください。</translation>
    </message>
    <message numerus="yes">
        <source>Training needs at least two classes: subfolders with photos in them. “%1” has %n.</source>
        <translation>
            <numerusform>学習には少なくとも 2 つのクラス（写真を含むサブフォルダー）が必要です。「%1」には %n 個あります。</numerusform>
        </translation>
    </message>
    <message>
        <source>Unknown preset.</source>
        <translation>不明なプリセットです。</translation>
    </message>
    <message>
        <source>Choose the base model to start from (the active model is the default).</source>
        <translation>開始点となるベースモデルを選んでください（既定は有効なモデルです）。</translation>
    </message>
    <message>
        <source>A model named “%1” already exists. Choose another output name.</source>
        <translation>「%1」という名前のモデルは既にあります。別の出力名を選んでください。</translation>
    </message>
    <message>
        <source>The model folder “%1” cannot be made.</source>
        <translation>モデルフォルダー「%1」を作成できません。</translation>
    </message>
    <message>
        <source>Train %1</source>
        <translation>%1 を学習</translation>
    </message>
    <message>
        <source>Cancelled; nothing was written.</source>
        <translation>キャンセルしました。何も書き込まれていません。</translation>
    </message>
    <message>
        <source>Cancelled, checkpoint kept; running it again resumes.</source>
        <translation>キャンセルしました。チェックポイントは残っており、もう一度実行すると再開します。</translation>
    </message>
    <message>
        <source>Wrote %1</source>
        <translation>%1 を書き込みました</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>開始しています…</translation>
    </message>
    <message>
        <source>Finished. The new model is %1.</source>
        <translation>完了しました。新しいモデルは %1 です。</translation>
    </message>
    <message>
        <source>Cancelled, checkpoint kept; running it again with the same name resumes (%1).</source>
        <translation>キャンセルしました。チェックポイントは残っており、同じ名前でもう一度実行すると再開します（%1）。</translation>
    </message>
    <message>
        <source>Training failed.</source>
        <translation>学習に失敗しました。</translation>
    </message>
    <message>
        <source>Training failed</source>
        <translation>学習に失敗しました</translation>
    </message>
    <message>
        <source>iteration</source>
        <translation>反復</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>エポック</translation>
    </message>
    <message>
        <source>Listing the classes…</source>
        <translation>クラスを調べています…</translation>
    </message>
    <message>
        <source>The data folder does not exist; choose another one.</source>
        <translation>データフォルダーが存在しません。別のフォルダーを選んでください。</translation>
    </message>
    <message numerus="yes">
        <source>Training needs at least two classes: subfolders with photos in them. This folder has %n.</source>
        <translation>
            <numerusform>学習には少なくとも 2 つのクラス（写真を含むサブフォルダー）が必要です。このフォルダーには %n 個あります。</numerusform>
        </translation>
    </message>
    <message>
        <source>%1…</source>
        <translation>%1…</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>Ready to train on %1 classes. Check the settings, then start.</source>
        <translation>%1 クラスで学習できます。設定を確認してから開始してください。</translation>
    </message>
    <message>
        <source>Self-supervised training uses every photo under the folder, in class folders or not, and writes a starter for later training runs. Check the settings, then start.</source>
        <translation>自己教師あり学習は、クラスフォルダーの有無にかかわらずフォルダー内のすべての写真を使い、後の学習用のスターターを書き出します。設定を確認してから開始してください。</translation>
    </message>
    <message>
        <source>A starter named “%1” already exists. Choose another output name.</source>
        <translation>「%1」という名前のスターターはすでにあります。別の出力名を選んでください。</translation>
    </message>
    <message>
        <source>Finished. The starter is %1 (two views of a photo matched %2 % of the time on held-out photos). Choose it under “Start from” to train a model from it. The same model is in the registry as %3: activate it on the Models page to search photos before any label (not words: its text side is untrained).</source>
        <translation>完了しました。スターターは %1 です（検証用写真で、同じ写真の2つのビューが %2 % 一致）。モデルを学習するには「開始点」でこれを選んでください。同じモデルがレジストリに %3 としてあります。モデルページで有効にすると、ラベルを付ける前から写真で検索できます（テキスト側は未学習のため、言葉では検索できません）。</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::TrainingRecipeForm</name>
    <message>
        <source>Linear probe (fast, base model frozen)</source>
        <translation>線形プローブ（高速、ベースモデルは固定）</translation>
    </message>
    <message>
        <source>Contrastive fine-tuning</source>
        <translation>対照ファインチューニング</translation>
    </message>
    <message>
        <source>From scratch (small DiffCLIP)</source>
        <translation>ゼロから学習（小型 DiffCLIP）</translation>
    </message>
    <message>
        <source>&amp;Mode:</source>
        <translation>モード(&amp;M)：</translation>
    </message>
    <message>
        <source>Quick</source>
        <translation>クイック</translation>
    </message>
    <message>
        <source>Standard</source>
        <translation>標準</translation>
    </message>
    <message>
        <source>Thorough</source>
        <translation>入念</translation>
    </message>
    <message>
        <source>&amp;Preset:</source>
        <translation>プリセット(&amp;P)：</translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>ベースモデル</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>選択…</translation>
    </message>
    <message>
        <source>Choose the base model</source>
        <translation>ベースモデルを選ぶ</translation>
    </message>
    <message>
        <source>&amp;Base model:</source>
        <translation>ベースモデル(&amp;B)：</translation>
    </message>
    <message>
        <source>By preset</source>
        <translation>プリセットに従う</translation>
    </message>
    <message>
        <source>DiffCLIP tiny (32 px, for trials)</source>
        <translation>DiffCLIP tiny（32 px、試行用）</translation>
    </message>
    <message>
        <source>DiffCLIP mini (64 px)</source>
        <translation>DiffCLIP mini（64 px）</translation>
    </message>
    <message>
        <source>DiffCLIP starter (96 px)</source>
        <translation>DiffCLIP starter（96 px）</translation>
    </message>
    <message>
        <source>&amp;Architecture:</source>
        <translation>アーキテクチャ(&amp;A)：</translation>
    </message>
    <message>
        <source>Compare standard and differential attention</source>
        <translation>標準アテンションと差分アテンションを比較</translation>
    </message>
    <message>
        <source>Train a standard-attention and a differential-attention model on the same split, each with half of the time budget.</source>
        <translation>同じ分割で標準アテンションと差分アテンションのモデルを、それぞれ時間予算の半分ずつで学習します。</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>自動</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>GPU (CUDA)</source>
        <translation>GPU（CUDA）</translation>
    </message>
    <message>
        <source>&amp;Device:</source>
        <translation>デバイス(&amp;D)：</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>制限なし</translation>
    </message>
    <message>
        <source>Training stops cleanly at this time and keeps the best epoch. With a limit, the limit decides how many epochs run.</source>
        <translation>この時間になると学習を正常に終了し、最良のエポックを残します。制限を設けると、実行するエポック数は制限時間で決まります。</translation>
    </message>
    <message>
        <source>&amp;Time budget:</source>
        <translation>時間予算(&amp;T)：</translation>
    </message>
    <message>
        <source>Output name</source>
        <translation>出力名</translation>
    </message>
    <message>
        <source>The new model&apos;s folder name in the model registry. Starting again with the same name after a cancel resumes from the checkpoint.</source>
        <translation>モデルレジストリ内の新しいモデルのフォルダー名です。キャンセル後に同じ名前で再度開始すると、チェックポイントから再開します。</translation>
    </message>
    <message>
        <source>&amp;Output name:</source>
        <translation>出力名(&amp;O)：</translation>
    </message>
    <message>
        <source>Base Model</source>
        <translation>ベースモデル</translation>
    </message>
    <message>
        <source>Models (*.safetensors *.pt *.pth config.json);;All files (*)</source>
        <translation>モデル (*.safetensors *.pt *.pth config.json);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Pretrained starter</source>
        <translation>事前学習済みスターター</translation>
    </message>
    <message>
        <source>Random weights (for comparison)</source>
        <translation>ランダムな重み（比較用）</translation>
    </message>
    <message>
        <source>&amp;Start from:</source>
        <translation>開始点(&amp;S)：</translation>
    </message>
    <message>
        <source>The vision tower starts from random weights.</source>
        <translation>画像エンコーダーはランダムな重みから始まります。</translation>
    </message>
    <message>
        <source>No starter is installed for standard attention, so both compared models start from random weights.</source>
        <translation>標準アテンション用のスターターがインストールされていないため、比較する両方のモデルがランダムな重みから始まります。</translation>
    </message>
    <message>
        <source>No installed starter fits this architecture: the vision tower starts from random weights.</source>
        <translation>このアーキテクチャに合うスターターがインストールされていません。画像エンコーダーはランダムな重みから始まります。</translation>
    </message>
    <message>
        <source>The vision tower starts from the installed starter “%1”, pretrained on generated formula images; the text tower starts from random weights.</source>
        <translation>画像エンコーダーは、生成した数式画像で事前学習したインストール済みスターター「%1」から始まります。テキストエンコーダーはランダムな重みから始まります。</translation>
    </message>
    <message>
        <source>Both compared models start from installed starters pretrained the same way: “%1” (differential attention) and “%2” (standard attention); the text towers start from random weights.</source>
        <translation>比較する両方のモデルは、同じ方法で事前学習されたインストール済みのスターターから始まります：「%1」（差分注意）と「%2」（標準注意）。テキスト側はランダムな重みから始まります。</translation>
    </message>
    <message>
        <source>Self-supervised (unlabelled photos → a starter)</source>
        <translation>自己教師あり（ラベルなしの写真 → スターター）</translation>
    </message>
    <message>
        <source>Your starter “%1”</source>
        <translation>自分のスターター「%1」</translation>
    </message>
    <message>
        <source>This starter cannot be read: %1</source>
        <translation>このスターターを読み込めません：%1</translation>
    </message>
    <message>
        <source>The vision tower starts from your starter “%1”; the text tower starts from random weights.</source>
        <translation>画像タワーは自分のスターター「%1」から、テキストタワーはランダムな重みから始まります。</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::TrainingResults</name>
    <message>
        <source>Result on the validation photos</source>
        <translation>検証用写真での結果</translation>
    </message>
    <message>
        <source>Attention variant</source>
        <translation>アテンションの種類</translation>
    </message>
    <message>
        <source>Activate This Model</source>
        <translation>このモデルを有効にする</translation>
    </message>
    <message>
        <source>Use the new model for the library, search and explanations.</source>
        <translation>新しいモデルをライブラリ、検索、説明に使います。</translation>
    </message>
    <message>
        <source>Before and after</source>
        <translation>学習前と学習後</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>学習前</translation>
    </message>
    <message>
        <source>After</source>
        <translation>学習後</translation>
    </message>
    <message>
        <source>Per class</source>
        <translation>クラス別</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>クラス</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>適合率</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>再現率</translation>
    </message>
    <message>
        <source>Top-1 accuracy</source>
        <translation>Top-1 正解率</translation>
    </message>
    <message>
        <source>Top-5 accuracy</source>
        <translation>Top-5 正解率</translation>
    </message>
    <message>
        <source>Image recall@1</source>
        <translation>画像 recall@1</translation>
    </message>
    <message>
        <source>Image recall@5</source>
        <translation>画像 recall@5</translation>
    </message>
    <message>
        <source>Image recall@10</source>
        <translation>画像 recall@10</translation>
    </message>
    <message>
        <source>The starting model: zero-shot with the class prompts, or the nearest class mean.</source>
        <translation>開始時のモデル：クラスプロンプトによるゼロショット、または最も近いクラス平均。</translation>
    </message>
    <message>
        <source>The trained model on the validation photos.</source>
        <translation>検証用写真での学習後のモデル。</translation>
    </message>
    <message>
        <source>Search averages %1 flipped views of each photo: validation top-1 %2 with one view, %3 with four.</source>
        <translation>検索は各写真の反転した %1 通りの見え方を平均します：検証 top-1 は 1 通りで %2、4 通りで %3。</translation>
    </message>
    <message>
        <source>Search embeds each photo once: validation top-1 %1 with one view, %2 with four flipped views.</source>
        <translation>検索は各写真を 1 回だけ埋め込みます：検証 top-1 は 1 通りで %1、反転した 4 通りで %2。</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>DiffCLIP Studio</source>
        <translation>DiffCLIP Studio</translation>
    </message>
    <message>
        <source>DiffCLIP Studio: inspect DiffCLIP and CLIP models on this computer.</source>
        <translation>DiffCLIP Studio：DiffCLIP と CLIP のモデルをこのコンピューター上で確認します。</translation>
    </message>
    <message>
        <source>Language of the user interface for this session: en or ja.</source>
        <translation>今回の起動で使う表示言語：en または ja。</translation>
    </message>
    <message>
        <source>code</source>
        <translation>コード</translation>
    </message>
    <message>
        <source>Open this model (a file or a model package folder) at start.</source>
        <translation>起動時にこのモデル（ファイルまたはモデルパッケージのフォルダー）を開きます。</translation>
    </message>
    <message>
        <source>path</source>
        <translation>パス</translation>
    </message>
    <message>
        <source>Save a picture of each page as &lt;page&gt;-&lt;language&gt;.png in this folder (after the model given with --model is open), then quit.</source>
        <translation>--model で指定したモデルを開いてから、各ページの画像をこのフォルダーに &lt;page&gt;-&lt;language&gt;.png として保存し、終了します。</translation>
    </message>
    <message>
        <source>folder</source>
        <translation>フォルダー</translation>
    </message>
    <message>
        <source>Unknown language &quot;%1&quot;; use one of: %2.</source>
        <translation>不明な言語「%1」です。次のいずれかを指定してください：%2。</translation>
    </message>
    <message>
        <source>Open this library file at start (created when missing) instead of the last one.</source>
        <translation>起動時に、前回のライブラリの代わりにこのライブラリファイルを開きます（なければ作成します）。</translation>
    </message>
    <message>
        <source>file</source>
        <translation>ファイル</translation>
    </message>
    <message>
        <source>Once the library and model are ready, add this folder of photos (folder names become labels).</source>
        <translation>ライブラリとモデルの準備ができたら、この写真フォルダーを追加します（フォルダー名がラベルになります）。</translation>
    </message>
    <message>
        <source>Theme for this session: light or dark (screenshots add -dark to the file names).</source>
        <translation>このセッションのテーマ：light または dark（スクリーンショットのファイル名には -dark が付きます）。</translation>
    </message>
    <message>
        <source>name</source>
        <translation>名前</translation>
    </message>
    <message>
        <source>Unknown theme &quot;%1&quot;; use light or dark.</source>
        <translation>不明なテーマ「%1」です。light または dark を指定してください。</translation>
    </message>
    <message>
        <source>Once the model is ready, show this photo on the Explain page (A1 beside A1 − λA2).</source>
        <translation>モデルの準備ができたら、この写真を［説明］ページに表示します（A1 と A1 − λA2 を並べて表示）。</translation>
    </message>
    <message>
        <source>photo</source>
        <translation>写真</translation>
    </message>
    <message>
        <source>With --screenshot: once the library is ready, search it with this photo before taking the pictures.</source>
        <translation>--screenshot と併用：ライブラリの準備ができたら、撮影の前にこの写真でライブラリを検索します。</translation>
    </message>
    <message>
        <source>With --screenshot: train a quick linear probe on this folder of class folders (default: the --add folder) for the Training page&apos;s picture; the model goes to a temporary folder.</source>
        <translation>--screenshot と併用：学習ページの画像用に、このクラスフォルダーのフォルダー（既定は --add のフォルダー）でクイック線形プローブを学習します。モデルは一時フォルダーに書き込まれます。</translation>
    </message>
</context>
</TS>
